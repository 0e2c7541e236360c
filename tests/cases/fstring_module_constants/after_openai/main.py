"""Ask the model hub a question (f-string URL from module constants)."""
import os

import openai
from openai import OpenAI

BASE = "https://inference.de-txl.ionos.com"  # legacy: legacy host
MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
TOKEN = os.environ["IONOS_API_TOKEN"]
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=TOKEN,
    max_retries=0,
)


def complete(prompt: str) -> str:
    payload = {
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": prompt}],  # legacy: request body input
        "max_tokens": 200,
        "temperature": 0.1,
    }
    try:
        response = ionos_client.chat.completions.create(**payload, timeout=30)  # legacy: predictions call
    except openai.APIStatusError as error:
        raise RuntimeError(f"IONOS answered {error.status_code}")
    data = response
    return data.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(complete("Say hello"))
