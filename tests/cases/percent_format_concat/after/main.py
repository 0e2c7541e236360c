import json
import os

import requests

BASE = "https://inference.de-txl.ionos.com"  # legacy: legacy host
MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def with_percent(prompt):
    url = "https://openai.inference.de-txl.ionos.com/v1/chat/completions"  # legacy: predictions URL
    r = requests.post(  # legacy: predictions call with body
        url,
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 50,
        },
        headers=HEADERS,
    )
    return r.json().get("choices", [{}])[0].get("message", {}).get("content", "")  # legacy: answer read


def with_format(prompt):
    url = "https://openai.inference.de-txl.ionos.com/v1/chat/completions"  # legacy: predictions URL
    r = requests.post(  # legacy: predictions call with body
        url,
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 50,
        },
        headers=HEADERS,
    )
    return json.loads(r.text)["choices"][0]["message"]["content"]  # legacy: answer read


def with_concatenation(prompt, temperature):
    r = requests.post(  # legacy: predictions call
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",  # legacy: predictions URL
        json={  # legacy: request body
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "temperature": float(temperature),
            "max_tokens": 64,
            "top_k": 5,
        },
        headers=HEADERS,
    )
    body = r.json()
    print("tokens:", body["usage"]["prompt_tokens"], body["usage"]["completion_tokens"])  # legacy: token counts
    return body["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(with_percent("one"))
    print(with_format("two"))
    print(with_concatenation("three", 0.5))
