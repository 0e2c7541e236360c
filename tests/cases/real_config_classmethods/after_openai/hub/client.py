import requests

from settings import Config


def ask(prompt: str) -> str:
    # ionos-migrate: a legacy request body ({"properties": {"input": ...}});
    #   Config.predict_url (returns or holds a retired URL), from another module; a read
    #   of the legacy answer (properties.output): the request
    #   (requests.post(Config.predict_url(), json=body, headers=Co...) is not one the
    #   tool can follow to a rewrite (its URL, body or answer is built where the tool
    #   cannot see it); see the ionos-migrate report
    body = {"properties": {"input": prompt, "options": {"max_length": str(Config.MAX_LENGTH)}}}  # legacy: request body
    r = requests.post(Config.predict_url(), json=body, headers=Config.headers(), timeout=Config.TIMEOUT)  # legacy: predictions call
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read


def model_names() -> list:
    # ionos-migrate: Config.models_url (returns or holds a retired URL), from another
    #   module; a read of the legacy answer (items[].properties.name): the request
    #   (requests.get(Config.models_url(), headers=Config.headers(...) is not one the
    #   tool can follow to a rewrite (its URL, body or answer is built where the tool
    #   cannot see it); see the ionos-migrate report
    r = requests.get(Config.models_url(), headers=Config.headers(), timeout=Config.TIMEOUT)  # legacy: models list call
    return sorted(item["properties"]["name"] for item in r.json()["items"])  # legacy: models list read
