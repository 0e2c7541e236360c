"""Models of https://inference.de-txl.ionos.com: the base URL comes from the caller."""
import os

import requests


class Endpoint:
    def path(self):
        return "/predictions"  # legacy: predictions path


class TextModel(Endpoint):
    def __init__(self, base_url):
        self.base_url = base_url

    def ask(self, prompt):
        # ionos-migrate: a predictions URL built from pieces only known elsewhere
        #   (self.base_url + '/predictions'); if it is the legacy IONOS API, send POST
        #   /v1/chat/completions with the model in the body by hand
        r = requests.post(self.base_url + self.path(), json={"properties": {"input": prompt}}, headers={"Authorization": os.environ["IONOS_API_TOKEN"]})  # legacy: predictions call with body
        return r.json()["properties"]["output"]  # legacy: answer read
