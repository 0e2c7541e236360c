import os

IONOS_BASE = os.getenv("IONOS_BASE", "https://inference.de-txl.ionos.com")
IONOS_OPENAI_BASE = "https://openai.inference.de-txl.ionos.com/v1"
COLLECTION_ID = os.getenv("IONOS_COLLECTION_ID", "9a3c51d2-7e4b-4c0e-8f57-5d1c2e8b9a10")
STUDIO_MODEL = "5e1f0c2a-3b4d-4e6f-9a8b-7c6d5e4f3a2b"  # an AI Model Studio fine-tune, not a Model Hub model
TOKEN = os.getenv("IONOS_API_TOKEN", "")
