import os

import requests

HOST = "https://inference.de-txl.ionos.com"  # legacy: legacy host


class Settings:
    def __init__(self, model_id):
        self.model_id = model_id


def generate(prompt, model_id):
    r = requests.post(  # legacy: predictions call
        f"{HOST}/models/{model_id}/predictions",  # legacy: predictions URL
        json={"properties": {"input": prompt, "options": {"max_length": "25"}}},  # legacy: request body
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return r.json()["properties"]["output"]  # legacy: answer read


def generate_from_settings(prompt, settings):
    r = requests.post(  # legacy: predictions call
        HOST + "/models/" + settings.model_id + "/predictions",  # legacy: predictions URL
        json={"properties": {"input": prompt, "options": {"max_length": "25"}}},  # legacy: request body
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("a parameter", "b18b18de-92c3-466e-81a8-e5df91890091"))  # legacy: model id
    print(generate_from_settings("a config object", Settings("b18b18de-92c3-466e-81a8-e5df91890091")))  # legacy: model id
