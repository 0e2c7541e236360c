import asyncio
import os

import aiohttp

from .endpoints import ENDPOINTS


def _headers() -> dict:
    return {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


async def _complete(session: aiohttp.ClientSession, prompt: str) -> tuple:
    # ionos-migrate: a legacy request body ({"properties": {"input": ...}}); ENDPOINTS
    #   (defined in endpoints with a retired URL in it), from another module; a read of
    #   the legacy answer (metadata.inputTokens); a read of the legacy answer
    #   (metadata.outputTokens); a read of the legacy answer (properties.output): the
    #   request (session.post(ENDPOINTS["chat"], json=payload)) is not one the tool can
    #   follow to a rewrite (its URL, body or answer is built where the tool cannot see
    #   it); see the ionos-migrate report
    payload = {"properties": {"input": prompt, "options": {"max_length": "60", "temperature": "0.3"}}}  # legacy: request body
    async with session.post(ENDPOINTS["chat"], json=payload) as resp:  # legacy: predictions call
        resp.raise_for_status()
        data = await resp.json()
    usage = data.get("metadata", {})  # legacy: token counts
    used = usage.get("inputTokens", 0) + usage.get("outputTokens", 0)  # legacy: token counts
    return data["properties"]["output"], used  # legacy: answer read


async def complete_all(prompts: list) -> list:
    async with aiohttp.ClientSession(headers=_headers()) as session:
        return await asyncio.gather(*(_complete(session, prompt) for prompt in prompts))
