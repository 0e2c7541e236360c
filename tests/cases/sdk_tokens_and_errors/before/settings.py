import os

API_TOKEN = os.getenv("IONOS_API_TOKEN", "")
