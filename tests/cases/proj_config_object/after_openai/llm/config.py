from dataclasses import dataclass


@dataclass(frozen=True)
class ModelHubConfig:
    """Where the model lives and how to reach it."""

    api_url: str
    model_id: str
    token: str
    temperature: float = 0.2
