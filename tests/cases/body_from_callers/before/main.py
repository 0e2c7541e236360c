import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def query_ionos(payload):
    r = requests.post(URL, json=payload, headers=HEADERS)  # legacy: predictions call
    r.raise_for_status()
    return r.json()


def summarise(text):
    payload = {"properties": {"input": f"Summarise: {text}", "options": {"max_length": "100"}}}  # legacy: request body
    return query_ionos(payload)["properties"]["output"]  # legacy: answer read


def translate(text):
    return query_ionos({"properties": {"input": f"Translate: {text}", "options": {"max_length": "200", "temperature": "0"}}})["properties"]["output"]  # legacy: request body and answer read


if __name__ == "__main__":
    print(summarise("a long text"))
    print(translate("ein Text"))
