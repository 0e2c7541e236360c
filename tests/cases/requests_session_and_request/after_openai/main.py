import os

import requests
from openai import OpenAI

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"})
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def with_session(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=70,
    )
    return r.choices[0].message.content  # legacy: answer read


def with_request(prompt):
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ['IONOS_API_TOKEN'],
        max_retries=0,
    )
    r = ionos_client.chat.completions.create(
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=70,
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(with_session("session"))
    print(with_request("request"))
