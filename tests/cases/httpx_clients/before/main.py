import asyncio
import os

import httpx

MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def with_context_manager(prompt):
    with httpx.Client(base_url="https://inference.de-txl.ionos.com", headers=HEADERS) as client:
        r = client.post(f"/models/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}})
        r.raise_for_status()
        return r.json()["properties"]["output"]


client = httpx.Client(base_url="https://inference.de-txl.ionos.com/models", headers=HEADERS, timeout=30)


def with_module_client(prompt):
    r = client.post(f"/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}})
    return r.json()["properties"]["output"]


def with_function(prompt):
    r = httpx.post(f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}}, headers=HEADERS)
    return r.json()["properties"]["output"]


async def with_async_client(prompt):
    async with httpx.AsyncClient(headers=HEADERS) as session:
        r = await session.post(f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions", json={"properties": {"input": prompt, "options": {"max_length": "40"}}})
        return r.json()["properties"]["output"]


if __name__ == "__main__":
    print(with_context_manager("context manager"))
    print(with_module_client("module client"))
    print(with_function("function"))
    print(asyncio.run(with_async_client("async")))
