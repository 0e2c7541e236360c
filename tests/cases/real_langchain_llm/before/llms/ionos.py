import os

import requests

from .base import LLM


class IonosHubLLM(LLM):
    """The hosted model as a framework LLM."""

    endpoint: str = "https://inference.de-txl.ionos.com/models"  # legacy: base URL
    model_id: str = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
    max_new_tokens: int = 96
    temperature: float = 0.2
    last_usage: dict = {}

    @property
    def _llm_type(self) -> str:
        return "ionos-model-hub"

    def _call(self, prompt: str, stop=None) -> str:
        response = requests.post(  # legacy: predictions call
            f"{self.endpoint}/{self.model_id}/predictions",  # legacy: predictions URL
            headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
            json={
                "type": "prediction",  # legacy: request body type
                "properties": {  # legacy: request body
                    "input": prompt,  # legacy: request body input
                    "options": {"max_length": str(self.max_new_tokens), "temperature": str(self.temperature)},  # legacy: request body options
                },
            },
            timeout=60,
        )
        response.raise_for_status()
        data = response.json()
        self.last_usage = {"prompt": data["metadata"]["inputTokens"], "completion": data["metadata"]["outputTokens"]}  # legacy: token counts
        return data["properties"]["output"]  # legacy: answer read
