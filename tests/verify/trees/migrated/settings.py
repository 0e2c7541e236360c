import os

TOKEN = os.environ.get("IONOS_API_TOKEN", "")
BASE = "https://inference.de-txl.ionos.com"  # collections stay on the legacy host
OPENAI_BASE = "https://openai.inference.de-txl.ionos.com/v1"
MODEL = "meta-llama/Llama-3.3-70B-Instruct"
HANDBOOK = "5d2c6a9e-0f0b-4b8e-9d3c-1a2b3c4d5e6f"  # a document collection
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
