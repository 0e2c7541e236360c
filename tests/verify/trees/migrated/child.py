"""RAG done client-side, as the migration must: query the collection, then chat with the context."""

import base64

import httpx

from settings import BASE, HANDBOOK, HEADERS, MODEL, OPENAI_BASE


def answer_from_handbook(question: str) -> str:
    hits = httpx.post(f"{BASE}/collections/{HANDBOOK}/query", json={"query": question, "limit": 5},
                      headers=HEADERS, timeout=30)
    hits.raise_for_status()
    context = "\n\n".join(
        base64.b64decode(match["document"]["properties"]["content"]).decode("utf-8")
        for match in hits.json()["properties"]["matches"]
    )
    body = {
        "model": MODEL,
        "messages": [{"role": "system", "content": context}, {"role": "user", "content": question}],
        "max_tokens": 200,
    }
    answer = httpx.post(f"{OPENAI_BASE}/chat/completions", json=body, headers=HEADERS, timeout=30)
    answer.raise_for_status()
    return answer.json()["choices"][0]["message"]["content"]


if __name__ == "__main__":
    print("handbook:", answer_from_handbook("How many vacation days do I get?"))
