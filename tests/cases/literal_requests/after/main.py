import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
headers = {"Authorization": "Bearer x"}


def ask(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        headers=headers,
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 300,
            "temperature": 0.01,
        },
    )
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]  # legacy: answer read


print(ask("hi"))
