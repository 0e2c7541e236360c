"""RAG done client-side, as the migration must: query the collection, then chat with the openai SDK."""

import base64

import httpx
from openai import OpenAI

from settings import BASE, HANDBOOK, HEADERS, MODEL, OPENAI_BASE, TOKEN


def answer_from_handbook(question: str) -> str:
    hits = httpx.post(f"{BASE}/collections/{HANDBOOK}/query", json={"query": question, "limit": 5},
                      headers=HEADERS, timeout=30)
    hits.raise_for_status()
    context = "\n\n".join(
        base64.b64decode(match["document"]["properties"]["content"]).decode("utf-8")
        for match in hits.json()["properties"]["matches"]
    )
    client = OpenAI(base_url=OPENAI_BASE, api_key=TOKEN)
    answer = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": context}, {"role": "user", "content": question}],
        max_tokens=200,
    )
    return answer.choices[0].message.content


if __name__ == "__main__":
    print("handbook:", answer_from_handbook("How many vacation days do I get?"))
