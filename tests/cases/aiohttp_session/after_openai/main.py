import asyncio
import os

import aiohttp

MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"


async def generate(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        # ionos-migrate: --target openai supports requests and httpx calls, not aiohttp; use --target http here
        async with session.post(
            f"https://inference.de-txl.ionos.com/models/{MODEL_ID}/predictions",
            json={"properties": {"input": prompt, "options": {"max_length": "100"}}},
        ) as resp:
            resp.raise_for_status()
            data = await resp.json()
            return data["properties"]["output"]


if __name__ == "__main__":
    print(asyncio.run(generate("aiohttp")))
