"""Listing the models the hub offers."""

import requests

from settings import HEADERS


def model_names() -> list[str]:
    r = requests.get("https://inference.de-txl.ionos.com/models", headers=HEADERS)
    return sorted(item["properties"]["name"] for item in r.json()["items"])
