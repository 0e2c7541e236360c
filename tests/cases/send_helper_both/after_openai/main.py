import os

import requests
from openai import OpenAI

LEGACY = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
OPENAI = "https://openai.inference.de-txl.ionos.com/v1/chat/completions"
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def send(url, payload):
    """Posts to either API; callers know the shape."""
    r = requests.post(url, json=payload, headers=HEADERS, timeout=30)  # legacy: the call the helper sends
    r.raise_for_status()
    return r.json()


def new_style(prompt):
    answer = send(OPENAI, {"model": "meta-llama/Llama-3.3-70B-Instruct", "messages": [{"role": "user", "content": prompt}], "max_tokens": 20})
    return answer["choices"][0]["message"]["content"]


def old_style(prompt):
    answer = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=20,
        timeout=30,
    )
    return answer.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(new_style("new"))
    print(old_style("old"))
