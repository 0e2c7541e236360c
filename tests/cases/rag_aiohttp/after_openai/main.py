import asyncio
import base64
import os

import aiohttp
from openai import AsyncOpenAI


def ionos_rag_messages(text, query, context):
    """The legacy server-side RAG prompt (ionos-migrate).

    The placeholders filled in, else the context as a system message.
    """
    if "{{.context}}" in text or "{{.collection_query}}" in text:
        text = text.replace("{{.context}}", context)
        text = text.replace("{{.collection_query}}", query)
        return [{"role": "user", "content": text}]
    return [{"role": "system", "content": context}, {"role": "user", "content": text}]


URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
COLLECTION_ID = "9d1f0c2e-3333-4444-8888-0123456789ab"


async def answer(question):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(
            f"https://inference.de-txl.ionos.com/collections/{COLLECTION_ID}/query",
            json={"query": question, "limit": 5},
        ) as _ionos_answer:
            _ionos_hits = await _ionos_answer.json()
        _ionos_context = "\n\n".join(
            base64.b64decode(match["document"]["properties"]["content"]).decode(
                "utf-8",
                "replace",
            )
            for match in _ionos_hits["properties"]["matches"]
        )
        payload = {  # legacy: request body
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": ionos_rag_messages(question, question, _ionos_context),
            "max_tokens": 120,
        }
        ionos_async_client = AsyncOpenAI(
            base_url="https://openai.inference.de-txl.ionos.com/v1",
            api_key=os.environ['IONOS_API_TOKEN'],
            max_retries=0,
        )
        resp = await ionos_async_client.chat.completions.create(**payload)
        data = resp
        return data.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(asyncio.run(answer("What is in the collection?")))
