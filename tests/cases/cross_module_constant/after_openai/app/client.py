import os

from openai import OpenAI


def ask(prompt):
    headers = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ['IONOS_API_TOKEN'],
        max_retries=0,
    )
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=80,
    )
    return r.choices[0].message.content  # legacy: answer read
