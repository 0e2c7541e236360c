import os

import requests

URL = "https://inference.de-txl.ionos.com/models/meta-llama/Meta-Llama-3.1-8B-Instruct/predictions"  # legacy: predictions URL


def generate(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Meta-Llama-3.1-8B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 60,
        },
        headers={"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]},
    )
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("model name in the path"))
