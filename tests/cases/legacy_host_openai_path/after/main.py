import os

import requests

HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
CHAT = "https://inference.de-txl.ionos.com/models/chat/completions"  # legacy: legacy host with a chat path


def chat(prompt):
    r = requests.post(  # legacy: call on the legacy host
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
        },
        headers=HEADERS,
    )
    return r.json()["choices"][0]["message"]["content"]


def embed(text):
    r = requests.post(  # legacy: call on the legacy host
        "https://openai.inference.de-txl.ionos.com/v1/embeddings",
        json={"model": "BAAI/bge-m3", "input": [text]},
        headers=HEADERS,
    )
    return r.json()["data"][0]["embedding"]
