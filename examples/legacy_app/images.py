"""An image model, called through the same predictions endpoint."""

import base64

import requests

from settings import HEADERS, INFERENCE_BASE

FLUX = "6cbc28c9-217d-421c-85fb-754d79c61423"


def draw(prompt: str, path: str) -> int:
    url = f"{INFERENCE_BASE}/models/{FLUX}/predictions"
    r = requests.post(url, json={"properties": {"input": prompt, "options": {"size": "1024*1024"}}}, headers=HEADERS)
    image = base64.b64decode(r.json()["properties"]["output"])
    with open(path, "wb") as fh:
        fh.write(image)
    return len(image)
