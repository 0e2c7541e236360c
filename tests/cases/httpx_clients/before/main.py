import asyncio
import os

import httpx

MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def with_context_manager(prompt):
    with httpx.Client(base_url="https://inference.de-txl.ionos.com", headers=HEADERS) as client:  # legacy: legacy host as base_url
        r = client.post(f"/models/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}})  # legacy: predictions call with body
        r.raise_for_status()
        return r.json()["properties"]["output"]  # legacy: answer read


client = httpx.Client(base_url="https://inference.de-txl.ionos.com/models", headers=HEADERS, timeout=30)  # legacy: base URL


def with_module_client(prompt):
    r = client.post(f"/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}})  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


def with_function(prompt):
    r = httpx.post(f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


async def with_async_client(prompt):
    async with httpx.AsyncClient(headers=HEADERS) as session:
        r = await session.post(f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}})  # legacy: predictions call with body
        return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(with_context_manager("context manager"))
    print(with_module_client("module client"))
    print(with_function("function"))
    print(asyncio.run(with_async_client("async")))
