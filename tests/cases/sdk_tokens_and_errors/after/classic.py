"""An older module: the token and URL as class attributes, the header built with %."""
import os

import requests


class Config:
    token = os.environ.get("IONOS_API_TOKEN")
    url = "https://inference.de-txl.ionos.com/models/%s/predictions" % "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: predictions URL


def ask_classic(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 40,
        },
        headers={"Authorization": "Bearer %s" % Config.token},
        timeout=20,
    )
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read
