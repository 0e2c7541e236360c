import os

import requests


def ask(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 80,
        },
        headers=headers,
    )
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read
