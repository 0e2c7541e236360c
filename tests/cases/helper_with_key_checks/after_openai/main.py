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
    # ionos-migrate: call_hub() does more than send the request; move this call to the
    #   openai SDK by hand or use --target http
    result = call_hub(CHAT_URL, {"type": "prediction", "properties": {"input": prompt, "options": {"max_length": "60"}}})  # legacy: predictions call with body
    if "properties" in result and "output" in result["properties"]:  # legacy: answer key check
        return result["properties"]["output"]  # legacy: answer read
    if "error" in result:
        return "failed: " + result["error"]
    return "no output"


if __name__ == "__main__":
    print(chat("key checks on the answer"))
