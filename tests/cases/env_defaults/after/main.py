import os

import requests


IONOS_LEGACY_MODELS = {
    "6cbc28c9-217d-421c-85fb-754d79c61423": "black-forest-labs/FLUX.1-schnell",
    "b18b18de-92c3-466e-81a8-e5df91890091": "meta-llama/Llama-3.3-70B-Instruct",
}


def ionos_openai_base(base):
    """The new API's base for a base URL of the retired IONOS API (from ionos-migrate).

    The retired host, or no value, becomes the OpenAI-compatible API; any
    other base is taken to be OpenAI-compatible already and kept.
    """
    if not base or "//inference.de-txl.ionos.com" in base:
        return "https://openai.inference.de-txl.ionos.com/v1"
    return base.rstrip("/")


ENDPOINT = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")  # legacy: base URL
MODEL_ID = os.getenv("IONOS_MODEL_ID", "b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: model id
TOKEN = os.environ.get("IONOS_API_TOKEN")


def generate(prompt):
    r = requests.post(  # legacy: predictions call
        ionos_openai_base(ENDPOINT) + "/chat/completions",  # legacy: predictions URL
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={  # legacy: request body
            "model": IONOS_LEGACY_MODELS.get(MODEL_ID, MODEL_ID),
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 90,
            "temperature": 0.2,
        },
    )
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("environment defaults"))
