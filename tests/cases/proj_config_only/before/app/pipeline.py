from llm_toolkit import run_batch


def run(prompts, token):
    base = "https://inference.de-txl.ionos.com/models"  # legacy: base URL
    return run_batch(prompts, endpoint=base, token=token)
