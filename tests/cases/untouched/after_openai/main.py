"""Helpers around the IONOS AI Model Hub.

The old API was POST https://inference.de-txl.ionos.com/models/<id>/predictions;
this docstring mentions it and must stay as it is.
"""
import os

import requests

HOST = "https://inference.de-txl.ionos.com"
HEADERS = {"Authorization": f"Bearer {os.environ.get('IONOS_API_TOKEN', '')}"}


def query_collection(collection_id, text):
    # still live: POST /collections/{id}/query
    r = requests.post(f"{HOST}/collections/{collection_id}/query", json={"query": text, "limit": 3}, headers=HEADERS)
    return r.json()["properties"]["matches"]


def list_collections():
    return requests.get(HOST + "/collections", headers=HEADERS).json()["items"]


def already_migrated(prompt):
    r = requests.post(
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={"model": "meta-llama/Llama-3.3-70B-Instruct", "messages": [{"role": "user", "content": prompt}]},
        headers=HEADERS,
    )
    return r.json()["choices"][0]["message"]["content"]


def unrelated(model, features):
    # requests.post("https://inference.de-txl.ionos.com/models/x/predictions") in a comment stays
    predictions = model.predict(features)
    return {"predictions": predictions, "url": "/predictions"}


def other_service(prompt):
    r = requests.post("https://api.replicate.com/v1/models/meta/llama/predictions", json={"input": {"prompt": prompt}})
    return r.json()["output"]
