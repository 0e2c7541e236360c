import os

import requests


IONOS_LEGACY_MODELS = {
    "6cbc28c9-217d-421c-85fb-754d79c61423": "black-forest-labs/FLUX.1-schnell",
    "b18b18de-92c3-466e-81a8-e5df91890091": "meta-llama/Llama-3.3-70B-Instruct",
}


ENDPOINT = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")
MODEL_ID = os.getenv("IONOS_MODEL_ID", "b18b18de-92c3-466e-81a8-e5df91890091")
TOKEN = os.environ.get("IONOS_API_TOKEN")


def generate(prompt):
    r = requests.post(
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"model": IONOS_LEGACY_MODELS.get(MODEL_ID, MODEL_ID), "messages": [{"role": "user", "content": prompt}], "max_tokens": 90, "temperature": 0.2},
    )
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]


if __name__ == "__main__":
    print(generate("environment defaults"))
