"""Server-side RAG on the legacy API: the server searched the collection for us."""

import httpx

from settings import BASE, HANDBOOK, HEADERS, MODEL


def answer_from_handbook(question: str) -> str:
    payload = {
        "properties": {
            "input": question,
            "options": {"max_length": "200"},
            "collectionId": HANDBOOK,
            "collectionQuery": question,
        }
    }
    response = httpx.post(f"{BASE}/models/{MODEL}/predictions", json=payload, headers=HEADERS, timeout=30)
    response.raise_for_status()
    return response.json()["properties"]["output"]


if __name__ == "__main__":
    print("handbook:", answer_from_handbook("How many vacation days do I get?"))
