import json

import requests


class BaseLLMClient:
    """A chat backend reached over HTTP; subclasses say what to send and how to read it."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _endpoint(self) -> str:
        # ionos-migrate: part of one legacy call split over clients/ionos.py,
        #   core/base.py, main.py; rewrite every piece together, by hand (see the
        #   ionos-migrate report)
        return "/predictions"  # legacy: predictions path

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"}

    def _build_payload(self, message: str) -> dict:
        raise NotImplementedError

    def parse_response(self, raw: dict) -> dict:
        raise NotImplementedError

    def call(self, message: str) -> dict:
        path = self._endpoint()
        # ionos-migrate: part of one legacy call split over clients/ionos.py,
        #   core/base.py, main.py; rewrite every piece together, by hand (see the
        #   ionos-migrate report)
        resp = requests.post(  # legacy: the request
            f"{self.base_url}/{path.lstrip('/')}",  # legacy: URL built from the predictions path
            data=json.dumps(self._build_payload(message)),  # legacy: request body
            headers=self._headers(),
            timeout=self.timeout,
        )
        resp.raise_for_status()
        return self.parse_response(resp.json())
