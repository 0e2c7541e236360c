import os

from openai import OpenAI

from .base import LLM


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


class IonosHubLLM(LLM):
    """The hosted model as a framework LLM."""

    endpoint: str = "https://inference.de-txl.ionos.com/models"  # legacy: base URL
    model_id: str = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
    max_new_tokens: int = 96
    temperature: float = 0.2
    last_usage: dict = {}

    @property
    def _llm_type(self) -> str:
        return "ionos-model-hub"

    def _call(self, prompt: str, stop=None) -> str:
        ionos_client = OpenAI(
            base_url=ionos_openai_base(self.endpoint),
            api_key=os.environ['IONOS_API_TOKEN'],
            max_retries=0,
        )
        response = ionos_client.chat.completions.create(
            model=IONOS_LEGACY_MODELS.get(self.model_id, self.model_id),
            messages=[{"role": "user", "content": prompt}],
            max_tokens=int(self.max_new_tokens),
            temperature=float(self.temperature),
            timeout=60,
        )
        data = response
        self.last_usage = {  # legacy: token counts
            "prompt": data.usage.prompt_tokens,
            "completion": data.usage.completion_tokens,
        }
        return data.choices[0].message.content  # legacy: answer read
