import os

HUB = os.getenv("HUB_URL", "https://inference.de-txl.ionos.com")  # legacy: legacy host
CHAT_MODEL = os.getenv("CHAT_MODEL", "b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: model id

# ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models; the retired
#   URL
#   https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions:
#   no request the tool can follow uses this here; see the ionos-migrate report
ENDPOINTS = {
    "models": f"{HUB}/models",  # legacy: models list URL
    "chat": f"{HUB}/models/{CHAT_MODEL}/predictions",  # legacy: predictions URL
    "collections": f"{HUB}/collections",
}
