from dataclasses import dataclass

from llm_toolkit import HttpLLM  # a third-party client: its requests are not in this tree

from .settings import IONOS_ENDPOINT


@dataclass
class EvaluationConfig:
    model_id: str
    samples: int = 20


CONFIG = EvaluationConfig(model_id="0b6c4a15-bb8d-4092-82b0-f357b77c59fd")  # legacy: model id


def make_llm(token: str) -> HttpLLM:
    return HttpLLM(base_url=IONOS_ENDPOINT, api_key=token, model=CONFIG.model_id)  # legacy: uses the base URL


def make_image_llm(token: str) -> HttpLLM:
    return HttpLLM(base_url="https://inference.de-txl.ionos.com/models", api_key=token)  # legacy: base URL
