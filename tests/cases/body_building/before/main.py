import json
import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}", "Content-Type": "application/json"}


def nested(prompt, max_len=300):
    # the options first, then the properties, then the payload
    options = {"max_length": str(max_len), "temperature": "0.7"}  # legacy: body options
    properties = {"input": prompt, "options": options}  # legacy: request body
    payload = {"properties": properties}  # legacy: request body
    r = requests.post(URL, data=json.dumps(payload), headers=HEADERS)  # legacy: predictions call
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read


def build_payload(prompt):
    return {"type": "prediction", "properties": {"input": prompt, "options": {"max_length": "50", "top_p": "0.9"}}}  # legacy: request body


def from_helper(prompt):
    r = requests.post(URL, json=build_payload(prompt), headers=HEADERS)  # legacy: predictions call
    return r.json()["properties"]["output"]  # legacy: answer read


def numbers_and_variables(prompt, temperature):
    limit = 42
    r = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": limit, "temperature": temperature, "top_p": 0.5}}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(nested("nested dicts"))
    print(from_helper("helper"))
    print(numbers_and_variables("numbers", "0.3"))
