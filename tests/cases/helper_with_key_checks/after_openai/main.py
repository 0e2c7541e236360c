import os

import openai
import requests
from openai import OpenAI

CHAT_URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def call_hub(url, payload):
    """One helper for every hub call; errors come back as {"error": ...}."""
    try:
        response = ionos_client.chat.completions.create(**payload, timeout=30)  # legacy: the call the helper sends
        return response.to_dict()
    except (requests.RequestException, openai.APIError) as exc:
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
