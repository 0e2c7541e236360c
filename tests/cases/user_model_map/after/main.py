import os

import requests

MISTRAL = "053fd9b8-a73d-427d-9b21-7499d94dba42"  # legacy: model id


def generate(prompt):
    r = requests.post(  # legacy: predictions call
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",  # legacy: predictions URL
        json={  # legacy: request body
            "model": "mistralai/Mistral-7B-Instruct-v0.3",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 45,
            "repetition_penalty": 1.1,
        },
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("a model from the user's own map"))
