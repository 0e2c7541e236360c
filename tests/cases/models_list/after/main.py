import os

import requests

API = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def model_names():
    r = requests.get("https://openai.inference.de-txl.ionos.com/v1/models", headers=HEADERS)
    r.raise_for_status()
    return [m["id"] for m in r.json()["data"]]


def print_models():
    data = requests.get("https://openai.inference.de-txl.ionos.com/v1/models", headers=HEADERS).json()
    for item in data["data"]:
        print(item["id"])
    print(len(data["data"]), "models")


if __name__ == "__main__":
    print(sorted(model_names()))
    print_models()
