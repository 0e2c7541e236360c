import os

from openai import OpenAI

MODEL_ID = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id


def generate(prompt):
    payload = {  # legacy: request body
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": 100,
    }
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ['IONOS_API_TOKEN'],
        max_retries=0,
    )
    resp = ionos_client.chat.completions.create(**payload, timeout=30)
    return resp.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(generate("urllib"))
