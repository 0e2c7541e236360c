import os

import requests

API = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def model_names():
    r = requests.get(API, headers=HEADERS)
    r.raise_for_status()
    return [m["properties"]["name"] for m in r.json()["items"]]


def print_models():
    data = requests.get(API, headers=HEADERS).json()
    for item in data["items"]:
        print(item["properties"]["name"])
    print(len(data["items"]), "models")


if __name__ == "__main__":
    print(sorted(model_names()))
    print_models()
