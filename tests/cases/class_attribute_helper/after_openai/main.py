import os

import requests
from openai import OpenAI


class HubClient:
    BASE = "https://inference.de-txl.ionos.com"  # legacy: legacy host
    MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id

    def __init__(self):
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"})
        self.ionos_client = OpenAI(
            base_url="https://openai.inference.de-txl.ionos.com/v1",
            api_key=os.environ['IONOS_API_TOKEN'],
            max_retries=0,
        )

    def _url(self):
        return f"{self.BASE}/models/{self.MODEL}/predictions"  # legacy: predictions URL

    def generate(self, prompt, max_tokens=120):
        payload = {  # legacy: request body
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": int(max_tokens),
        }
        response = self.ionos_client.chat.completions.create(**payload)  # legacy: predictions call
        return response.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(HubClient().generate("class attributes"))
