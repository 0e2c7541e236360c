import os

import requests

from .parsing import extract_text, token_usage


class Gateway:
    def __init__(self):
        self.base_url = os.environ["LLM_BASE_URL"]
        self.token = os.environ["LLM_TOKEN"]

    def send(self, prompt: str) -> tuple[str, tuple]:
        # ionos-migrate: a legacy request body ({"properties": {"input": ...}}): the
        #   request (requests.post(f"{self.base_url}/completions", json=body, ...) is
        #   not one the tool can follow to a rewrite (its URL, body or answer is built
        #   where the tool cannot see it); see the ionos-migrate report
        body = {"properties": {"input": prompt, "options": {"max_length": "64"}}}  # legacy: request body
        r = requests.post(f"{self.base_url}/completions", json=body, headers={"Authorization": f"Bearer {self.token}"})  # legacy: the call that sends the legacy body
        raw = r.json()
        return extract_text(raw), token_usage(raw)
