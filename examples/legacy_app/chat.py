"""Plain text generation with requests and a module constant imported from settings."""

import requests

from settings import HEADERS, PREDICT_URL


def ask(question: str) -> str:
    payload = {
        "type": "prediction",
        "properties": {
            "input": question,
            "options": {"max_length": "200", "temperature": "0.01"},
        },
    }
    response = requests.post(PREDICT_URL, json=payload, headers=HEADERS, timeout=30)
    response.raise_for_status()
    return response.json()["properties"]["output"]
