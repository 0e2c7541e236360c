import requests
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


class ChatClient:
    def __init__(self, config):
        self.config = config
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {config.token}"})
        self.ionos_client = OpenAI(
            base_url=ionos_openai_base(self.config.api_url),
            api_key=config.token or "no-token",
            max_retries=0,
        )

    def complete(self, prompt: str) -> str:
        payload = {
            "model": IONOS_LEGACY_MODELS.get(
                self.config.model_id,
                self.config.model_id,
            ),
            "messages": [{"role": "user", "content": prompt}],  # legacy: request body input
            "temperature": float(self.config.temperature),
            "max_tokens": 200,
        }
        resp = self.ionos_client.chat.completions.create(**payload, timeout=60)
        data = resp
        return data.choices[0].message.content  # legacy: answer read
