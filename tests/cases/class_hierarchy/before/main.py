import os

import requests

HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


class Endpoint:
    def path(self):
        return "/predictions"  # legacy: predictions path


class TextModel(Endpoint):
    def __init__(self, base_url):
        self.base_url = base_url

    def body(self, prompt):
        return {"properties": {"input": prompt, "options": {"max_length": "35"}}}  # legacy: request body

    def ask(self, prompt):
        r = requests.post(self.base_url + self.path(), json=self.body(prompt), headers=HEADERS)  # legacy: predictions call
        return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    llama = TextModel(base_url="https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: base URL with model id
    print(llama.ask("class hierarchy"))
