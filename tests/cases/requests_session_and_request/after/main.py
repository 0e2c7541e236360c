import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"})


def with_session(prompt):
    r = session.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 70,
        },
    )
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


def with_request(prompt):
    r = requests.request(  # legacy: predictions call
        "POST",
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={  # legacy: request body
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 70,
        },
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(with_session("session"))
    print(with_request("request"))
