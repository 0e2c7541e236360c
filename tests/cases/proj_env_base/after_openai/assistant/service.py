"""Questions to the hosted model over one shared async client."""

import httpx
from openai import AsyncOpenAI

from .settings import API_TOKEN, API_URL, MAX_TOKENS, MODEL_ID


def ionos_openai_base(base):
    """The new API's base for a base URL of the retired IONOS API (from ionos-migrate).

    The retired host, or no value, becomes the OpenAI-compatible API; any
    other base is taken to be OpenAI-compatible already and kept.
    """
    if not base or "//inference.de-txl.ionos.com" in base:
        return "https://openai.inference.de-txl.ionos.com/v1"
    return base.rstrip("/")


ionos_async_client = AsyncOpenAI(
    base_url=ionos_openai_base(API_URL.rstrip('/')),
    api_key=API_TOKEN or "no-token",
    max_retries=0,
)


IONOS_LEGACY_MODELS = {
    "6cbc28c9-217d-421c-85fb-754d79c61423": "black-forest-labs/FLUX.1-schnell",
    "b18b18de-92c3-466e-81a8-e5df91890091": "meta-llama/Llama-3.3-70B-Instruct",
}


async def ask(client: httpx.AsyncClient, question: str, model_id: str = MODEL_ID) -> str:
    response = await ionos_async_client.chat.completions.create(
        model=IONOS_LEGACY_MODELS.get(model_id, model_id),
        messages=[{"role": "user", "content": question}],
        max_tokens=int(MAX_TOKENS),
    )
    text = (response.choices[0].message.content or "")  # legacy: answer read
    return text.strip()
