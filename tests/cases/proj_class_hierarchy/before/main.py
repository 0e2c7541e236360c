import os

from clients import IonosClient

client = IonosClient(
    base_url="https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091",  # legacy: base URL
    api_key=os.environ.get("IONOS_API_TOKEN", ""),
)
print(client.call("Explain RAG in one sentence.")["result"])
