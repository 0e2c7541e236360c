"""An older module: the token and URL as class attributes, the header built with %."""
import os

from openai import OpenAI


class Config:
    token = os.environ.get("IONOS_API_TOKEN")
    url = "https://inference.de-txl.ionos.com/models/%s/predictions" % "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: predictions URL
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=Config.token or "no-token",
    max_retries=0,
)


def ask_classic(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=40,
        timeout=20,
    )
    return r.choices[0].message.content  # legacy: answer read
