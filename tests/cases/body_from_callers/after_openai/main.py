import os

from openai import OpenAI

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def query_ionos(payload):
    r = ionos_client.chat.completions.create(**payload)  # legacy: predictions call
    return r


def summarise(text):
    payload = {  # legacy: request body
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": f"Summarise: {text}"}],
        "max_tokens": 100,
    }
    return query_ionos(payload).choices[0].message.content  # legacy: answer read


def translate(text):
    return query_ionos(  # legacy: request body and answer read
        {
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": f"Translate: {text}"}],
            "max_tokens": 200,
            "temperature": 0.0,
        }
    ).choices[0].message.content


if __name__ == "__main__":
    print(summarise("a long text"))
    print(translate("ein Text"))
