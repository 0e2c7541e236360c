import os

import requests

ENDPOINT = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")  # legacy: base URL
MODEL_ID = os.getenv("IONOS_MODEL_ID", "b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: model id
TOKEN = os.environ.get("IONOS_API_TOKEN")


def generate(prompt):
    r = requests.post(  # legacy: predictions call
        f"{ENDPOINT}/{MODEL_ID}/predictions",  # legacy: predictions URL
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"properties": {"input": prompt, "options": {"max_length": "90", "temperature": "0.2"}}},  # legacy: request body
    )
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("environment defaults"))
