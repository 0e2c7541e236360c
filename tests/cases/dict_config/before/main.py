import os

import requests

CONFIG = {
    "API_BASE": "https://inference.de-txl.ionos.com",  # legacy: legacy host
    "MODEL": "b18b18de-92c3-466e-81a8-e5df91890091",  # legacy: model id
    "TIMEOUT": 30,
}


def generate(prompt):
    url = CONFIG["API_BASE"] + "/models/" + CONFIG["MODEL"] + "/predictions"  # legacy: predictions URL
    headers = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}
    r = requests.post(url, json={"properties": {"input": prompt, "options": {"max_length": "100"}}}, headers=headers, timeout=CONFIG["TIMEOUT"])  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(generate("dict config"))
