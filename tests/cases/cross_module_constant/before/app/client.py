import os

import requests

from .settings import PREDICT_URL


def ask(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    r = requests.post(PREDICT_URL, json={"properties": {"input": prompt, "options": {"max_length": "80"}}}, headers=headers)  # legacy: predictions call with body
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read
