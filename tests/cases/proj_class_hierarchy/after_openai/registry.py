from clients import IonosClient

PROVIDERS = {"ionos": IonosClient}


def get(provider: str, base_url: str, api_key: str = ""):
    return PROVIDERS[provider](base_url=base_url, api_key=api_key)


def default_client(api_key: str):
    # ionos-migrate: the legacy model id b18b18de-92c3-466e-81a8-e5df91890091; the
    #   retired URL https://inference.de-txl.ionos.com/models; the retired URL
    #   https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091:
    #   no request the tool can follow uses this here; see the ionos-migrate report
    model_id = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
    base = "https://inference.de-txl.ionos.com/models"  # legacy: base URL
    return get(provider="ionos", base_url=f"{base}/{model_id}", api_key=api_key)
