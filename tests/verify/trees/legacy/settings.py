import os

TOKEN = os.environ.get("IONOS_API_TOKEN", "")
BASE = "https://inference.de-txl.ionos.com"
MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # Llama 3.3 70B Instruct
HANDBOOK = "5d2c6a9e-0f0b-4b8e-9d3c-1a2b3c4d5e6f"  # a document collection
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
