from dataclasses import dataclass

from llm_toolkit import HttpLLM  # a third-party client: its requests are not in this tree

from .settings import IONOS_ENDPOINT


@dataclass
class EvaluationConfig:
    model_id: str
    samples: int = 20


# ionos-migrate: legacy model id 0b6c4a15-bb8d-4092-82b0-f357b77c59fd (conflicting
#   evidence: called Llama 3.1 8B Instruct in some code, Llama 3.1 405B Instruct FP8 in
#   other): the new API names models, and this id has no model name in the model map;
#   add it to [tool.ionos-migrate.models], or write the name here
CONFIG = EvaluationConfig(model_id="0b6c4a15-bb8d-4092-82b0-f357b77c59fd")  # legacy: model id


def make_llm(token: str) -> HttpLLM:
    # ionos-migrate: IONOS_ENDPOINT (https://inference.de-txl.ionos.com/models), from
    #   another module: no request the tool can follow uses this here; see the
    #   ionos-migrate report
    return HttpLLM(base_url=IONOS_ENDPOINT, api_key=token, model=CONFIG.model_id)  # legacy: uses the base URL


def make_image_llm(token: str) -> HttpLLM:
    # ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models: no
    #   request the tool can follow uses this here; see the ionos-migrate report
    return HttpLLM(base_url="https://inference.de-txl.ionos.com/models", api_key=token)  # legacy: base URL
