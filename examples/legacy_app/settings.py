"""Configuration, the way many projects kept it."""

import os

IONOS_API_TOKEN = os.environ.get("IONOS_API_TOKEN", "")
INFERENCE_BASE = "https://inference.de-txl.ionos.com"

# Llama 3.3 70B Instruct on the AI Model Hub.
CHAT_MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"
PREDICT_URL = f"{INFERENCE_BASE}/models/{CHAT_MODEL_ID}/predictions"

HEADERS = {
    "Authorization": f"Bearer {IONOS_API_TOKEN}",
    "Content-Type": "application/json",
}
