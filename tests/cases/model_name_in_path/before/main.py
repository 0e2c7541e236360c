import os

import requests

URL = "https://inference.de-txl.ionos.com/models/meta-llama/Meta-Llama-3.1-8B-Instruct/predictions"  # legacy: predictions URL


def generate(prompt):
    r = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "60"}}}, headers={"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]})  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("model name in the path"))
