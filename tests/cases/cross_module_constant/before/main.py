import os

import requests

from app import settings
from app.client import ask
from app.settings import PREDICT_URL


def ask_directly(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    r = requests.post(PREDICT_URL, json={"properties": {"input": prompt, "options": {"max_length": "80"}}}, headers=headers)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


def ask_through_module(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    r = requests.post(settings.PREDICT_URL, json={"properties": {"input": prompt, "options": {"max_length": "80"}}}, headers=headers)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(ask("from the package"))
    print(ask_directly("from main"))
    print(ask_through_module("through the module"))
