import json
import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}", "Content-Type": "application/json"}


def nested(prompt, max_len=300):
    # the options first, then the properties, then the payload
    payload = {  # legacy: request body
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": int(max_len),
        "temperature": 0.7,
    }
    r = requests.post(  # legacy: predictions call
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        data=json.dumps(payload),
        headers=HEADERS,
    )
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


def build_payload(prompt):
    return {  # legacy: request body
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": 50,
        "top_p": 0.9,
    }


def from_helper(prompt):
    r = requests.post(  # legacy: predictions call
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={"model": "meta-llama/Llama-3.3-70B-Instruct", **build_payload(prompt)},
        headers=HEADERS,
    )
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


def numbers_and_variables(prompt, temperature):
    limit = 42
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": int(limit),
            "temperature": float(temperature),
            "top_p": 0.5,
        },
        headers=HEADERS,
    )
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(nested("nested dicts"))
    print(from_helper("helper"))
    print(numbers_and_variables("numbers", "0.3"))
