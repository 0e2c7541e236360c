import os

import requests
from tenacity import retry, stop_after_attempt

URL = "https://inference.de-txl.ionos.com/models/0b6c4a15-bb8d-4092-82b0-f357b77c59fd/predictions"  # legacy: predictions URL with model id
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


@retry(stop=stop_after_attempt(3))
def generate(prompt):
    r = requests.post(URL, json={"properties": {"input": prompt}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


def whole_answer(prompt):
    r = requests.post("https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions", json={"properties": {"input": prompt}}, headers=HEADERS)  # legacy: predictions call with body
    print(r.json())


def echo_of_input(prompt):
    r = requests.post("https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions", json={"properties": {"input": prompt}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["input"]  # legacy: answer read of the input


def opaque_body(prompt, payload):
    r = requests.post("https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions", json=payload, headers=HEADERS)  # legacy: predictions call
    return r.json()["properties"]["output"]  # legacy: answer read
