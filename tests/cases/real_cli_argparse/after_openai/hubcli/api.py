import requests


def predict(endpoint: str, model_id: str, token: str, prompt: str, max_length: int) -> str:
    url = f"{endpoint.rstrip('/')}/{model_id}/predictions"  # legacy: predictions URL
    payload = {"properties": {"input": prompt, "options": {"max_length": str(max_length)}}}  # legacy: request body
    # ionos-migrate: the base URL comes from run time; --target openai does not rewrite
    #   such calls yet, --target http does
    response = requests.post(url, json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=60)  # legacy: predictions call
    response.raise_for_status()
    return response.json()["properties"]["output"]  # legacy: answer read
