import base64
import os

from openai import OpenAI

FLUX = "6cbc28c9-217d-421c-85fb-754d79c61423"  # legacy: model id


def draw(prompt):
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ['IONOS_API_TOKEN'],
        max_retries=0,
    )
    r = ionos_client.images.generate(
        model="black-forest-labs/FLUX.1-schnell",
        prompt=prompt,
        n=1,
        size="512x512",
        response_format="b64_json",
    )
    return base64.b64decode(r.data[0].b64_json)  # legacy: answer read


if __name__ == "__main__":
    image = draw("a red square")
    print(len(image), image[:8])
