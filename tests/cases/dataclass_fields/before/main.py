import os
from dataclasses import dataclass, field

import requests


@dataclass
class HubLLM:
    """A LangChain-style wrapper: its fields are defaults an instance may override."""

    model_id: str = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
    max_length: int = 64
    temperature: float = 0.1
    token: str = field(default_factory=lambda: os.environ["IONOS_API_TOKEN"])

    def _call(self, prompt):
        url = f"https://inference.de-txl.ionos.com/models/{self.model_id}/predictions"  # legacy: predictions URL
        headers = {"Authorization": f"Bearer {self.token}"}
        body = {"properties": {"input": prompt, "options": {"max_length": str(self.max_length), "temperature": str(self.temperature)}}}  # legacy: request body
        r = requests.post(url, headers=headers, json=body)  # legacy: predictions call
        r.raise_for_status()
        return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(HubLLM()._call("the default model"))
    print(HubLLM(model_id="meta-llama/Meta-Llama-3.1-8B-Instruct", max_length=32)._call("another model, by name"))
