import base64

import requests

from .settings import COLLECTION_ID, IONOS_BASE, TOKEN


def search(query: str, limit: int = 3) -> list[str]:
    r = requests.post(
        f"{IONOS_BASE}/collections/{COLLECTION_ID}/query",
        json={"query": query, "limit": limit},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    r.raise_for_status()
    hits = r.json()["properties"]["matches"]
    return [base64.b64decode(hit["document"]["properties"]["content"]).decode() for hit in hits]


def document_names() -> list[str]:
    r = requests.get(f"{IONOS_BASE}/collections/{COLLECTION_ID}/documents", headers={"Authorization": f"Bearer {TOKEN}"})
    return [item["properties"]["name"] for item in r.json()["items"]]
