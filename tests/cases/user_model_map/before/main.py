import os

import requests

MISTRAL = "053fd9b8-a73d-427d-9b21-7499d94dba42"


def generate(prompt):
    r = requests.post(
        f"https://inference.de-txl.ionos.com/models/{MISTRAL}/predictions",
        json={"properties": {"input": prompt, "options": {"max_length": "45", "repetition_penalty": "1.1"}}},
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return r.json()["properties"]["output"]


if __name__ == "__main__":
    print(generate("a model from the user's own map"))
