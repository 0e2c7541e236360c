import os

from .config import ModelHubConfig

DEFAULT_MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id


def load_config() -> ModelHubConfig:
    # ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models: no
    #   request the tool can follow uses this here; see the ionos-migrate report
    return ModelHubConfig(
        api_url=os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models"),  # legacy: base URL
        model_id=os.getenv("IONOS_MODEL", DEFAULT_MODEL),
        token=os.getenv("IONOS_API_TOKEN", ""),
    )
