from llm_toolkit import run_batch


def run(prompts, token):
    # ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models: no
    #   request the tool can follow uses this here; see the ionos-migrate report
    base = "https://inference.de-txl.ionos.com/models"  # legacy: base URL
    return run_batch(prompts, endpoint=base, token=token)
