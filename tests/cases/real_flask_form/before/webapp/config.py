import os

from dotenv import load_dotenv

load_dotenv()

HUB_TOKEN = os.getenv("IONOS_API_KEY", "")
DEFAULT_MODEL_ID = os.getenv("IONOS_CHAT_MODEL_ID", "b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: model id
DEFAULT_TEMPERATURE = "0.7"
CHAT_URL_TEMPLATE = "https://inference.de-txl.ionos.com/models/{model_id}/predictions"  # legacy: predictions URL
IMAGE_URL = "https://openai.inference.de-txl.ionos.com/v1/images/generations"
