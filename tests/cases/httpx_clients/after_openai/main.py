import asyncio
import os

import httpx
from openai import AsyncOpenAI, OpenAI

MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)
ionos_async_client = AsyncOpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def with_context_manager(prompt):
    with httpx.Client(base_url="https://inference.de-txl.ionos.com", headers=HEADERS) as client:  # legacy: legacy host as base_url
        r = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=40,
        )
        return r.choices[0].message.content  # legacy: answer read


client = httpx.Client(base_url="https://inference.de-txl.ionos.com/models", headers=HEADERS, timeout=30)  # legacy: base URL


def with_module_client(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=40,
    )
    return r.choices[0].message.content  # legacy: answer read


def with_function(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=40,
    )
    return r.choices[0].message.content  # legacy: answer read


async def with_async_client(prompt):
    async with httpx.AsyncClient(headers=HEADERS) as session:
        r = await ionos_async_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=40,
        )
        return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(with_context_manager("context manager"))
    print(with_module_client("module client"))
    print(with_function("function"))
    print(asyncio.run(with_async_client("async")))
