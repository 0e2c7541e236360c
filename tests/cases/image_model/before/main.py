import base64
import os

import requests

FLUX = "6cbc28c9-217d-421c-85fb-754d79c61423"  # legacy: model id


def draw(prompt):
    r = requests.post(  # legacy: predictions call
        f"https://inference.de-txl.ionos.com/models/{FLUX}/predictions",  # legacy: predictions URL
        json={"properties": {"input": prompt, "options": {"size": "512*512"}}},  # legacy: request body
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    r.raise_for_status()
    return base64.b64decode(r.json()["properties"]["output"])  # legacy: answer read


if __name__ == "__main__":
    image = draw("a red square")
    print(len(image), image[:8])
