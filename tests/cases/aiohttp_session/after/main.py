import asyncio
import os

import aiohttp

MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id


async def generate(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(  # legacy: predictions call
            "https://openai.inference.de-txl.ionos.com/v1/chat/completions",  # legacy: predictions URL
            json={  # legacy: request body
                "model": "meta-llama/Llama-3.3-70B-Instruct",
                "messages": [{"role": "user", "content": prompt}],
                "max_tokens": 100,
            },
        ) as resp:
            resp.raise_for_status()
            data = await resp.json()
            return data["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(asyncio.run(generate("aiohttp")))
