import os

import requests

MISTRAL = "053fd9b8-a73d-427d-9b21-7499d94dba42"  # legacy: model id


def generate(prompt):
    r = requests.post(  # legacy: predictions call
        f"https://inference.de-txl.ionos.com/models/{MISTRAL}/predictions",  # legacy: predictions URL
        json={"properties": {"input": prompt, "options": {"max_length": "45", "repetition_penalty": "1.1"}}},  # legacy: request body
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("a model from the user's own map"))
