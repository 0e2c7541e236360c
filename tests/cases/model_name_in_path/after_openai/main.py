import os

from openai import OpenAI

URL = "https://inference.de-txl.ionos.com/models/meta-llama/Meta-Llama-3.1-8B-Instruct/predictions"  # legacy: predictions URL


def generate(prompt):
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ["IONOS_API_TOKEN"],
        max_retries=0,
    )
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Meta-Llama-3.1-8B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=60,
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(generate("model name in the path"))
