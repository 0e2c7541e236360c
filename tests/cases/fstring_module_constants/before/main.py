"""Ask the model hub a question (f-string URL from module constants)."""
import os

import requests

BASE = "https://inference.de-txl.ionos.com"  # legacy: legacy host
MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
TOKEN = os.environ["IONOS_API_TOKEN"]


def complete(prompt: str) -> str:
    url = f"{BASE}/models/{MODEL_ID}/predictions"  # legacy: predictions URL
    payload = {
        "type": "prediction",  # legacy: request body type
        "properties": {  # legacy: request body
            "input": prompt,  # legacy: request body input
            "options": {"max_length": "200", "temperature": "0.1"},  # legacy: request body options
        },
    }
    response = requests.post(url, json=payload, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)  # legacy: predictions call
    if response.status_code != 200:
        raise RuntimeError(f"IONOS answered {response.status_code}")
    data = response.json()
    return data["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(complete("Say hello"))
