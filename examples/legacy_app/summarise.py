"""Summaries through httpx, with the body built in steps and a model name in the path."""

import json

import httpx

from settings import HEADERS

BASE = "https://inference.de-txl.ionos.com/models/"
MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct"


def summarise(text: str, words: int = 50) -> str:
    options = {"max_length": str(words * 2), "temperature": 0.2}
    properties = {"input": f"Summarise in {words} words:\n{text}", "options": options}
    body = {"properties": properties}
    with httpx.Client(timeout=30) as client:
        r = client.post(BASE + MODEL + "/predictions", content=json.dumps(body), headers=HEADERS)
    data = r.json()
    return data.get("properties", {}).get("output", "")
