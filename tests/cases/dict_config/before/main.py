import os

import requests

CONFIG = {
    "API_BASE": "https://inference.de-txl.ionos.com",
    "MODEL": "b18b18de-92c3-466e-81a8-e5df91890091",
    "TIMEOUT": 30,
}


def generate(prompt):
    url = CONFIG["API_BASE"] + "/models/" + CONFIG["MODEL"] + "/predictions"
    headers = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}
    r = requests.post(url, json={"properties": {"input": prompt, "options": {"max_length": "100"}}}, headers=headers, timeout=CONFIG["TIMEOUT"])
    return r.json()["properties"]["output"]


if __name__ == "__main__":
    print(generate("dict config"))
