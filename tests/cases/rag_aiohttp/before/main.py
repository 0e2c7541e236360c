import asyncio
import os

import aiohttp

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
COLLECTION_ID = "9d1f0c2e-3333-4444-8888-0123456789ab"


async def answer(question):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        payload = {"properties": {"input": question, "collectionId": COLLECTION_ID, "options": {"max_length": "120"}}}  # legacy: request body
        async with session.post(URL, json=payload) as resp:  # legacy: predictions call
            data = await resp.json()
            return data["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(asyncio.run(answer("What is in the collection?")))
