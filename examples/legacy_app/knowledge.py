"""Server-side RAG: the legacy API searched a document collection for us."""

import requests

from settings import HEADERS, PREDICT_URL

HANDBOOK_COLLECTION = "a1f3c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b"


def answer_from_handbook(question: str) -> str:
    payload = {
        "properties": {
            "input": question,
            "options": {"max_length": "300"},
            "collectionId": HANDBOOK_COLLECTION,
            "collectionQuery": question,
        }
    }
    r = requests.post(PREDICT_URL, json=payload, headers=HEADERS)
    return r.json()["properties"]["output"]
