"""Ask the model hub a question (f-string URL from module constants)."""
import os

import requests

BASE = "https://inference.de-txl.ionos.com"
MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"
TOKEN = os.environ["IONOS_API_TOKEN"]


def complete(prompt: str) -> str:
    url = f"{BASE}/models/{MODEL_ID}/predictions"
    payload = {
        "type": "prediction",
        "properties": {
            "input": prompt,
            "options": {"max_length": "200", "temperature": "0.1"},
        },
    }
    # ionos-migrate: the response's .status_code is used; with the openai SDK handle openai.APIStatusError instead (by hand), or use --target http
    response = requests.post(url, json=payload, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    if response.status_code != 200:
        raise RuntimeError(f"IONOS answered {response.status_code}")
    data = response.json()
    return data["properties"]["output"]


if __name__ == "__main__":
    print(complete("Say hello"))
