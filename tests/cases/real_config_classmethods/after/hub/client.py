import requests

from settings import Config


def ask(prompt: str) -> str:
    # ionos-migrate: a legacy request body ({"properties": {"input": ...}}); a read of the legacy answer (properties.output): no request the tool can follow uses this here; see the ionos-migrate report
    body = {"properties": {"input": prompt, "options": {"max_length": str(Config.MAX_LENGTH)}}}  # legacy: request body
    r = requests.post(Config.predict_url(), json=body, headers=Config.headers(), timeout=Config.TIMEOUT)  # legacy: predictions call
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read


def model_names() -> list:
    r = requests.get(Config.models_url(), headers=Config.headers(), timeout=Config.TIMEOUT)  # legacy: models list call
    return sorted(item["properties"]["name"] for item in r.json()["items"])  # legacy: models list read
