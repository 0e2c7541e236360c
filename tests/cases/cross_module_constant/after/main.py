import os

import requests

from app.client import ask


def ask_directly(prompt):
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
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


def ask_through_module(prompt):
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
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(ask("from the package"))
    print(ask_directly("from main"))
    print(ask_through_module("through the module"))
