import asyncio
import os

import aiohttp

MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id


async def generate(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(  # legacy: predictions call
            f"https://inference.de-txl.ionos.com/models/{MODEL_ID}/predictions",  # legacy: predictions URL
            json={"properties": {"input": prompt, "options": {"max_length": "100"}}},  # legacy: request body
        ) as resp:
            resp.raise_for_status()
            data = await resp.json()
            return data["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(asyncio.run(generate("aiohttp")))
