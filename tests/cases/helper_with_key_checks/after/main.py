import os

import requests

CHAT_URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def call_hub(url, payload):
    """One helper for every hub call; errors come back as {"error": ...}."""
    try:
        response = requests.post(url, json=payload, headers=HEADERS, timeout=30)  # legacy: the call the helper sends
        response.raise_for_status()
        return response.json()
    except requests.RequestException as exc:
        return {"error": str(exc)}


def chat(prompt):
    result = call_hub(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        {
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 60,
        },
    )
    if "choices" in result and "content" in result["choices"][0]["message"]:  # legacy: answer key check
        return result["choices"][0]["message"]["content"]  # legacy: answer read
    if "error" in result:
        return "failed: " + result["error"]
    return "no output"


if __name__ == "__main__":
    print(chat("key checks on the answer"))
