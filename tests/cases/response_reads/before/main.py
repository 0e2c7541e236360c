import json
import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def send(prompt):
    r = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "30"}}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()


def with_get_chain(prompt):
    r = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "30"}}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json().get("properties", {}).get("output", "")  # legacy: answer read


def with_loads(prompt):
    r = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "30"}}}, headers=HEADERS)  # legacy: predictions call with body
    if r.status_code == 200:
        return json.loads(r.text)["properties"]["output"].strip()  # legacy: answer read
    return None


def with_tokens(prompt):
    data = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "30"}}}, headers=HEADERS).json()  # legacy: predictions call with body
    return data["metadata"]["inputTokens"] + data["metadata"]["outputTokens"]  # legacy: token counts


if __name__ == "__main__":
    print(send("one function away")["properties"]["output"])  # legacy: answer read
    print(with_get_chain("get chain"))
    print(with_loads("json.loads"))
    print(with_tokens("tokens"))
