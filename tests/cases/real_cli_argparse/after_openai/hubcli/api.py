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
    "2ba0c784-2e6a-4509-b3dd-cbd66cf0a75f": "meta-llama/Meta-Llama-3-8B-Instruct",
    "6cbc28c9-217d-421c-85fb-754d79c61423": "black-forest-labs/FLUX.1-schnell",
    "b18b18de-92c3-466e-81a8-e5df91890091": "meta-llama/Llama-3.3-70B-Instruct",
}


def predict(endpoint: str, model_id: str, token: str, prompt: str, max_length: int) -> str:
    payload = {  # legacy: request body
        "model": IONOS_LEGACY_MODELS.get(model_id, model_id),
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": int(max_length),
    }
    ionos_client = OpenAI(
        base_url=ionos_openai_base(endpoint.rstrip('/')),
        api_key=token or "no-token",
        max_retries=0,
    )
    response = ionos_client.chat.completions.create(**payload, timeout=60)  # legacy: predictions call
    return response.choices[0].message.content  # legacy: answer read
