"""Questions to the hosted model over one shared async client."""

import httpx

from .settings import API_TOKEN, API_URL, MAX_TOKENS, MODEL_ID


async def ask(client: httpx.AsyncClient, question: str, model_id: str = MODEL_ID) -> str:
    url = f"{API_URL.rstrip('/')}/{model_id}/predictions"  # legacy: predictions URL
    response = await client.post(  # legacy: predictions call
        url,
        headers={"Authorization": f"Bearer {API_TOKEN}"},
        json={"properties": {"input": question, "options": {"max_length": str(MAX_TOKENS)}}},  # legacy: request body
    )
    response.raise_for_status()
    text = response.json().get("properties", {}).get("output", "")  # legacy: answer read
    return text.strip()
