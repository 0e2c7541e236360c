import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"})


def with_session(prompt):
    r = session.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "70"}}})  # legacy: predictions call with body
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read


def with_request(prompt):
    r = requests.request(  # legacy: predictions call
        "POST",
        URL,
        json={"properties": {"input": prompt, "options": {"max_length": "70"}}},  # legacy: request body
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(with_session("session"))
    print(with_request("request"))
