"""An older module: the token and URL as class attributes, the header built with %."""
import os

import requests


class Config:
    token = os.environ.get("IONOS_API_TOKEN")
    url = "https://inference.de-txl.ionos.com/models/%s/predictions" % "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: predictions URL


def ask_classic(prompt):
    r = requests.post(Config.url, json={"properties": {"input": prompt, "options": {"max_length": "40"}}}, headers={"Authorization": "Bearer %s" % Config.token}, timeout=20)  # legacy: predictions call with body
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read
