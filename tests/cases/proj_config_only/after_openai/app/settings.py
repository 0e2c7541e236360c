import os

IONOS_ENDPOINT = os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models")  # legacy: base URL

# ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models: no request
#   the tool can follow uses this here; see the ionos-migrate report
PROVIDERS = {
    "ionos": {
        "API_BASE": "https://inference.de-txl.ionos.com/models",  # legacy: base URL
        "CHAT_MODEL_ID": "meta-llama/Meta-Llama-3.1-8B-Instruct",
    },
    "local": {"API_BASE": "http://localhost:11434/v1", "CHAT_MODEL_ID": "llama3"},
}
