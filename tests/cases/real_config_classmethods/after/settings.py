import os


class Config:
    """Everything the hub client needs, read once from the environment."""

    BASE_URL = os.environ.get("HUB_BASE_URL", "https://inference.de-txl.ionos.com")  # legacy: legacy host
    MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
    TIMEOUT = 30
    MAX_LENGTH = 120

    @classmethod
    def predict_url(cls) -> str:
        return f"{cls.BASE_URL}/models/{cls.MODEL_ID}/predictions"  # legacy: predictions URL

    @classmethod
    def models_url(cls) -> str:
        return f"{cls.BASE_URL}/models"  # legacy: models list URL

    @classmethod
    def headers(cls) -> dict:
        return {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
