import os

from openai import OpenAI

API = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")  # legacy: base URL
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ["IONOS_API_TOKEN"],
    max_retries=0,
)


def model_names():
    r = ionos_client.models.list()  # legacy: models list call
    return [m.id for m in r.data]  # legacy: models list read


def print_models():
    data = ionos_client.models.list()  # legacy: models list call
    for item in data.data:  # legacy: models list read
        print(item.id)  # legacy: models list read
    print(len(data.data), "models")  # legacy: models list read


if __name__ == "__main__":
    print(sorted(model_names()))
    print_models()
