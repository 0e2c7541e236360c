import os
from dataclasses import dataclass, field

from openai import OpenAI


IONOS_LEGACY_MODELS = {
    "6cbc28c9-217d-421c-85fb-754d79c61423": "black-forest-labs/FLUX.1-schnell",
    "b18b18de-92c3-466e-81a8-e5df91890091": "meta-llama/Llama-3.3-70B-Instruct",
}


@dataclass
class HubLLM:
    """A LangChain-style wrapper: its fields are defaults an instance may override."""

    model_id: str = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
    max_length: int = 64
    temperature: float = 0.1
    token: str = field(default_factory=lambda: os.environ["IONOS_API_TOKEN"])

    def _call(self, prompt):
        headers = {"Authorization": f"Bearer {self.token}"}
        body = {  # legacy: request body
            "model": IONOS_LEGACY_MODELS.get(self.model_id, self.model_id),
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": int(self.max_length),
            "temperature": float(self.temperature),
        }
        ionos_client = OpenAI(
            base_url="https://openai.inference.de-txl.ionos.com/v1",
            api_key=self.token or "no-token",
            max_retries=0,
        )
        r = ionos_client.chat.completions.create(**body)  # legacy: predictions call
        return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(HubLLM()._call("the default model"))
    print(HubLLM(model_id="meta-llama/Meta-Llama-3.1-8B-Instruct", max_length=32)._call("another model, by name"))
