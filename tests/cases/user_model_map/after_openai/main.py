import os

from openai import OpenAI

MISTRAL = "053fd9b8-a73d-427d-9b21-7499d94dba42"  # legacy: model id


def generate(prompt):
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ['IONOS_API_TOKEN'],
        max_retries=0,
    )
    r = ionos_client.chat.completions.create(
        model="mistralai/Mistral-7B-Instruct-v0.3",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=45,
        extra_body={"repetition_penalty": 1.1},
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(generate("a model from the user's own map"))
