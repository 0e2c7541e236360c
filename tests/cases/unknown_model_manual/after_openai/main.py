import os

import requests
from tenacity import retry, stop_after_attempt

URL = "https://inference.de-txl.ionos.com/models/0b6c4a15-bb8d-4092-82b0-f357b77c59fd/predictions"  # legacy: predictions URL with model id
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


@retry(stop=stop_after_attempt(3))
def generate(prompt):
    # ionos-migrate: unknown model id 0b6c4a15-bb8d-4092-82b0-f357b77c59fd (conflicting
    #   evidence: called Llama 3.1 8B Instruct in some code, Llama 3.1 405B Instruct FP8
    #   in other); add it to [tool.ionos-migrate.models]
    r = requests.post(URL, json={"properties": {"input": prompt}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


def whole_answer(prompt):
    # ionos-migrate: the whole answer is used as an argument of print(); read the new
    #   fields by hand
    r = requests.post("https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions", json={"properties": {"input": prompt}}, headers=HEADERS)  # legacy: predictions call with body
    print(r.json())


def echo_of_input(prompt):
    # ionos-migrate: reads ['properties']['input'] from the answer; the new API has no
    #   such field
    r = requests.post("https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions", json={"properties": {"input": prompt}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["input"]  # legacy: answer read of the input


def opaque_body(prompt, payload):
    # ionos-migrate: the body is a parameter of opaque_body() and no caller in this file
    #   passes it; rewrite by hand
    r = requests.post("https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions", json=payload, headers=HEADERS)  # legacy: predictions call
    return r.json()["properties"]["output"]  # legacy: answer read
