import json
import os

import requests

BASE = "https://inference.de-txl.ionos.com"
MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def with_percent(prompt):
    url = "%s/models/%s/predictions" % (BASE, MODEL)
    r = requests.post(url, json={"properties": {"input": prompt, "options": {"max_length": "50"}}}, headers=HEADERS)
    return r.json().get("properties", {}).get("output", "")


def with_format(prompt):
    url = "{}/models/{model}/predictions".format(BASE, model=MODEL)
    r = requests.post(url, json={"properties": {"input": prompt, "options": {"max_length": 50}}}, headers=HEADERS)
    return json.loads(r.text)["properties"]["output"]


def with_concatenation(prompt, temperature):
    r = requests.post(
        BASE + "/models/" + MODEL + "/predictions",
        json={"properties": {"input": prompt, "options": {"temperature": str(temperature), "max_length": "64", "top_k": "5"}}},
        headers=HEADERS,
    )
    body = r.json()
    print("tokens:", body["metadata"]["inputTokens"], body["metadata"]["outputTokens"])
    return body["properties"]["output"]


if __name__ == "__main__":
    print(with_percent("one"))
    print(with_format("two"))
    print(with_concatenation("three", 0.5))
