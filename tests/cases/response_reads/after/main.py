import json
import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def send(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 30,
        },
        headers=HEADERS,
    )
    return r.json()


def with_get_chain(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 30,
        },
        headers=HEADERS,
    )
    return r.json().get("choices", [{}])[0].get("message", {}).get("content", "")  # legacy: answer read


def with_loads(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 30,
        },
        headers=HEADERS,
    )
    if r.status_code == 200:
        return json.loads(r.text)["choices"][0]["message"]["content"].strip()  # legacy: answer read
    return None


def with_tokens(prompt):
    data = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 30,
        },
        headers=HEADERS,
    ).json()
    return data["usage"]["prompt_tokens"] + data["usage"]["completion_tokens"]  # legacy: token counts


if __name__ == "__main__":
    print(send("one function away")["choices"][0]["message"]["content"])  # legacy: answer read
    print(with_get_chain("get chain"))
    print(with_loads("json.loads"))
    print(with_tokens("tokens"))
