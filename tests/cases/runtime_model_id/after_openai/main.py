import os

from openai import OpenAI


IONOS_LEGACY_MODELS = {
    "6cbc28c9-217d-421c-85fb-754d79c61423": "black-forest-labs/FLUX.1-schnell",
    "b18b18de-92c3-466e-81a8-e5df91890091": "meta-llama/Llama-3.3-70B-Instruct",
}


HOST = "https://inference.de-txl.ionos.com"  # legacy: legacy host


class Settings:
    def __init__(self, model_id):
        self.model_id = model_id


def generate(prompt, model_id):
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ['IONOS_API_TOKEN'],
        max_retries=0,
    )
    r = ionos_client.chat.completions.create(
        model=IONOS_LEGACY_MODELS.get(model_id, model_id),
        messages=[{"role": "user", "content": prompt}],
        max_tokens=25,
    )
    return r.choices[0].message.content  # legacy: answer read


def generate_from_settings(prompt, settings):
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ['IONOS_API_TOKEN'],
        max_retries=0,
    )
    r = ionos_client.chat.completions.create(
        model=IONOS_LEGACY_MODELS.get(settings.model_id, settings.model_id),
        messages=[{"role": "user", "content": prompt}],
        max_tokens=25,
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(generate("a parameter", "b18b18de-92c3-466e-81a8-e5df91890091"))  # legacy: model id
    print(generate_from_settings("a config object", Settings("b18b18de-92c3-466e-81a8-e5df91890091")))  # legacy: model id
