import base64
import os

import requests


def render(form):
    fallback = os.getenv("IMAGE_MODEL_ID", "874c1033-932c-45c5-9357-e1fff5349557")  # legacy: model id
    model_id = form.get("model") or fallback
    token = form.get("token") or os.getenv("IONOS_API_TOKEN", "")
    # ionos-migrate: unknown model id 874c1033-932c-45c5-9357-e1fff5349557 (the default
    #   of model_id; an image model, name unknown); add it to
    #   [tool.ionos-migrate.models]
    response = requests.post(  # legacy: predictions call
        f"https://inference.de-txl.ionos.com/models/{model_id}/predictions",  # legacy: predictions URL
        json={"properties": {"input": form["prompt"], "options": {"temperature": "0.5"}}},  # legacy: request body
        headers={"Authorization": f"Bearer {token}"},
    )
    return base64.b64decode(response.json()["properties"]["output"])  # legacy: answer read


def chat(form):
    model_id = form.get("model")
    # ionos-migrate: the model id (model_id) is only known at run time and the code
    #   decodes base64: it may be an image model; rewrite for /v1/chat/completions or
    #   /v1/images/generations by hand
    response = requests.post(  # legacy: predictions call
        f"https://inference.de-txl.ionos.com/models/{model_id}/predictions",  # legacy: predictions URL
        json={"properties": {"input": form["prompt"]}},  # legacy: request body
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return base64.b64decode(response.json()["properties"]["output"]).decode()  # legacy: answer read
