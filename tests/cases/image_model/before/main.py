import base64
import os

import requests

FLUX = "6cbc28c9-217d-421c-85fb-754d79c61423"


def draw(prompt):
    r = requests.post(
        f"https://inference.de-txl.ionos.com/models/{FLUX}/predictions",
        json={"properties": {"input": prompt, "options": {"size": "512*512"}}},
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    r.raise_for_status()
    return base64.b64decode(r.json()["properties"]["output"])


if __name__ == "__main__":
    image = draw("a red square")
    print(len(image), image[:8])
