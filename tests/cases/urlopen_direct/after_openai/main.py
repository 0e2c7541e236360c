import os
import urllib.request

from openai import OpenAI

MODELS = "https://inference.de-txl.ionos.com/models"  # legacy: base URL
PREDICT = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL


def opener():
    handler = urllib.request.HTTPHandler()
    opener = urllib.request.build_opener(handler)
    opener.addheaders = [("Authorization", "Bearer " + os.environ["IONOS_API_TOKEN"]), ("Content-Type", "application/json")]
    urllib.request.install_opener(opener)
    global ionos_client
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ["IONOS_API_TOKEN"],
        max_retries=0,
    )


def model_names():
    resp = ionos_client.models.list()
    return sorted(m.id for m in resp.data)  # legacy: models list read


def ask(prompt):
    resp = ionos_client.chat.completions.create(
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=33,
        timeout=30,
    )
    return resp.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    opener()
    print(model_names())
    print(ask("urlopen with a URL string"))
