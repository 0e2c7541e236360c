import asyncio
import os

import aiohttp
from openai import AsyncOpenAI

MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id


async def generate(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        ionos_async_client = AsyncOpenAI(
            base_url="https://openai.inference.de-txl.ionos.com/v1",
            api_key=os.environ['IONOS_API_TOKEN'],
            max_retries=0,
        )
        resp = await ionos_async_client.chat.completions.create(
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=100,
        )
        data = resp
        return data.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(asyncio.run(generate("aiohttp")))
