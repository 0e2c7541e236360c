import logging

import requests

from .config import HUB_TOKEN

log = logging.getLogger(__name__)


def send_to_hub(url: str, payload: dict) -> dict:
    """POST to the model hub; failures come back as {"error": ...} for the page to show."""
    headers = {"Authorization": f"Bearer {HUB_TOKEN}", "Content-Type": "application/json"}
    log.debug("hub request to %s: %s", url, payload)
    try:
        response = requests.post(url, headers=headers, json=payload, timeout=60)  # sends what routes.py hands it: the legacy site is reported there
        response.raise_for_status()
        return response.json()
    except requests.HTTPError as exc:
        return {"error": str(exc), "details": exc.response.text}
    except requests.RequestException as exc:
        return {"error": str(exc)}
