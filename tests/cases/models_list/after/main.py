import os

import requests

API = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")  # legacy: base URL
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def model_names():
    r = requests.get(  # legacy: models list call
        "https://openai.inference.de-txl.ionos.com/v1/models",
        headers=HEADERS,
    )
    r.raise_for_status()
    return [m["id"] for m in r.json()["data"]]  # legacy: models list read


def print_models():
    data = requests.get(  # legacy: models list call
        "https://openai.inference.de-txl.ionos.com/v1/models",
        headers=HEADERS,
    ).json()
    for item in data["data"]:  # legacy: models list read
        print(item["id"])  # legacy: models list read
    print(len(data["data"]), "models")  # legacy: models list read


if __name__ == "__main__":
    print(sorted(model_names()))
    print_models()
