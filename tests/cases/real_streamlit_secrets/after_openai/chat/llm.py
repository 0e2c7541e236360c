import requests
import streamlit as st

SETTINGS = st.secrets["ionos"]
BASE_URL = SETTINGS["base_url"]
MODEL_ID = SETTINGS.get("model_id", "b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: model id

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {SETTINGS['token']}", "Content-Type": "application/json"})


def complete(prompt: str) -> dict:
    body = {"properties": {"input": prompt}, "option": {"maxTokens": 400, "temperature": 0.8}}  # legacy: request body
    # ionos-migrate: the request body has an unexpected key 'option'
    response = session.post(f"{BASE_URL}/{MODEL_ID}/predictions", json=body, timeout=120)  # legacy: predictions call
    response.raise_for_status()
    return response.json()
