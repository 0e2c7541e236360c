import os

import requests

API = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")  # legacy: base URL
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def model_names():
    r = requests.get(API, headers=HEADERS)  # legacy: models list call
    r.raise_for_status()
    return [m["properties"]["name"] for m in r.json()["items"]]  # legacy: models list read


def print_models():
    data = requests.get(API, headers=HEADERS).json()  # legacy: models list call
    for item in data["items"]:  # legacy: models list read
        print(item["properties"]["name"])  # legacy: models list read
    print(len(data["items"]), "models")  # legacy: models list read


if __name__ == "__main__":
    print(sorted(model_names()))
    print_models()
