import json
import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}", "Content-Type": "application/json"}


def nested(prompt, max_len=300):
    # the options first, then the properties, then the payload
    options = {"max_length": str(max_len), "temperature": "0.7"}
    properties = {"input": prompt, "options": options}
    payload = {"properties": properties}
    r = requests.post(URL, data=json.dumps(payload), headers=HEADERS)
    r.raise_for_status()
    return r.json()["properties"]["output"]


def build_payload(prompt):
    return {"type": "prediction", "properties": {"input": prompt, "options": {"max_length": "50", "top_p": "0.9"}}}


def from_helper(prompt):
    r = requests.post(URL, json=build_payload(prompt), headers=HEADERS)
    return r.json()["properties"]["output"]


def numbers_and_variables(prompt, temperature):
    limit = 42
    r = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": limit, "temperature": temperature, "top_p": 0.5}}}, headers=HEADERS)
    return r.json()["properties"]["output"]


if __name__ == "__main__":
    print(nested("nested dicts"))
    print(from_helper("helper"))
    print(numbers_and_variables("numbers", "0.3"))
