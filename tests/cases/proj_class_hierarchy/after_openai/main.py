import os

from clients import IonosClient

# ionos-migrate: part of one legacy call split over clients/ionos.py, core/base.py,
#   main.py; rewrite every piece together, by hand (see the ionos-migrate report)
client = IonosClient(
    base_url="https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091",  # legacy: base URL
    api_key=os.environ.get("IONOS_API_TOKEN", ""),
)
print(client.call("Explain RAG in one sentence.")["result"])
