import json
import os

import requests

BASE = "https://inference.de-txl.ionos.com"  # legacy: legacy host
MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def with_percent(prompt):
    url = "%s/models/%s/predictions" % (BASE, MODEL)  # legacy: predictions URL
    r = requests.post(url, json={"properties": {"input": prompt, "options": {"max_length": "50"}}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json().get("properties", {}).get("output", "")  # legacy: answer read


def with_format(prompt):
    url = "{}/models/{model}/predictions".format(BASE, model=MODEL)  # legacy: predictions URL
    r = requests.post(url, json={"properties": {"input": prompt, "options": {"max_length": 50}}}, headers=HEADERS)  # legacy: predictions call with body
    return json.loads(r.text)["properties"]["output"]  # legacy: answer read


def with_concatenation(prompt, temperature):
    r = requests.post(  # legacy: predictions call
        BASE + "/models/" + MODEL + "/predictions",  # legacy: predictions URL
        json={"properties": {"input": prompt, "options": {"temperature": str(temperature), "max_length": "64", "top_k": "5"}}},  # legacy: request body
        headers=HEADERS,
    )
    body = r.json()
    print("tokens:", body["metadata"]["inputTokens"], body["metadata"]["outputTokens"])  # legacy: token counts
    return body["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(with_percent("one"))
    print(with_format("two"))
    print(with_concatenation("three", 0.5))
