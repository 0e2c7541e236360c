import os

API_URL = os.getenv("IONOS_API_URL", "")
MODEL_ID = os.getenv("IONOS_MODEL_ID", "b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: model id
API_TOKEN = os.getenv("IONOS_API_TOKEN", "")
MAX_TOKENS = int(os.getenv("MAX_TOKENS", "500"))
