import os
from openai import OpenAI

API = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}
ionos_client = OpenAI(base_url="https://openai.inference.de-txl.ionos.com/v1", api_key=os.environ["IONOS_API_TOKEN"])


def model_names():
    r = ionos_client.models.list()
    return [m.id for m in r.data]


def print_models():
    data = ionos_client.models.list()
    for item in data.data:
        print(item.id)
    print(len(data.data), "models")


if __name__ == "__main__":
    print(sorted(model_names()))
    print_models()
