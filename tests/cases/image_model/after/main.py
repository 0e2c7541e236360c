import base64
import os

import requests

FLUX = "6cbc28c9-217d-421c-85fb-754d79c61423"  # legacy: model id


def draw(prompt):
    r = requests.post(  # legacy: predictions call
        "https://openai.inference.de-txl.ionos.com/v1/images/generations",  # legacy: predictions URL
        json={  # legacy: request body
            "model": "black-forest-labs/FLUX.1-schnell",
            "prompt": prompt,
            "n": 1,
            "size": "512x512",
            "response_format": "b64_json",
        },
        headers={"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"},
    )
    r.raise_for_status()
    return base64.b64decode(r.json()["data"][0]["b64_json"])  # legacy: answer read


if __name__ == "__main__":
    image = draw("a red square")
    print(len(image), image[:8])
