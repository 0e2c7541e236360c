import json
import os
import urllib.request

MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id


def generate(prompt):
    payload = {  # legacy: request body
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": 100,
    }
    req = urllib.request.Request(  # legacy: predictions request
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",  # legacy: predictions URL
        data=json.dumps(payload).encode("utf-8"),
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # legacy: predictions call
        return json.loads(resp.read())["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("urllib"))
