import asyncio
import os

import httpx

MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def with_context_manager(prompt):
    with httpx.Client(base_url="https://inference.de-txl.ionos.com", headers=HEADERS) as client:  # legacy: legacy host as base_url
        r = client.post(  # legacy: predictions call with body
            "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
            json={
                "model": "meta-llama/Llama-3.3-70B-Instruct",
                "messages": [{"role": "user", "content": prompt}],
                "max_tokens": 40,
            },
        )
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


client = httpx.Client(base_url="https://inference.de-txl.ionos.com/models", headers=HEADERS, timeout=30)  # legacy: base URL


def with_module_client(prompt):
    r = client.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 40,
        },
    )
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


def with_function(prompt):
    r = httpx.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 40,
        },
        headers=HEADERS,
    )
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


async def with_async_client(prompt):
    async with httpx.AsyncClient(headers=HEADERS) as session:
        r = await session.post(  # legacy: predictions call with body
            "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
            json={
                "model": "meta-llama/Llama-3.3-70B-Instruct",
                "messages": [{"role": "user", "content": prompt}],
                "max_tokens": 40,
            },
        )
        return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(with_context_manager("context manager"))
    print(with_module_client("module client"))
    print(with_function("function"))
    print(asyncio.run(with_async_client("async")))
