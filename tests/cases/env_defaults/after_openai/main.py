import os

from openai import OpenAI


def ionos_openai_base(base):
    """The new API's base for a base URL of the retired IONOS API (from ionos-migrate).

    The retired host, or no value, becomes the OpenAI-compatible API; any
    other base is taken to be OpenAI-compatible already and kept.
    """
    if not base or "//inference.de-txl.ionos.com" in base:
        return "https://openai.inference.de-txl.ionos.com/v1"
    return base.rstrip("/")


IONOS_LEGACY_MODELS = {
    "6cbc28c9-217d-421c-85fb-754d79c61423": "black-forest-labs/FLUX.1-schnell",
    "b18b18de-92c3-466e-81a8-e5df91890091": "meta-llama/Llama-3.3-70B-Instruct",
}


ENDPOINT = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")  # legacy: base URL
MODEL_ID = os.getenv("IONOS_MODEL_ID", "b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: model id
TOKEN = os.environ.get("IONOS_API_TOKEN")
ionos_client = OpenAI(
    base_url=ionos_openai_base(ENDPOINT),
    api_key=TOKEN or "no-token",
    max_retries=0,
)


def generate(prompt):
    r = ionos_client.chat.completions.create(
        model=IONOS_LEGACY_MODELS.get(MODEL_ID, MODEL_ID),
        messages=[{"role": "user", "content": prompt}],
        max_tokens=90,
        temperature=0.2,
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(generate("environment defaults"))
