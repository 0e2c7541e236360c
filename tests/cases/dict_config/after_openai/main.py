import os

from openai import OpenAI

CONFIG = {
    "API_BASE": "https://inference.de-txl.ionos.com",  # legacy: legacy host
    "MODEL": "b18b18de-92c3-466e-81a8-e5df91890091",  # legacy: model id
    "TIMEOUT": 30,
}


def generate(prompt):
    headers = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=os.environ["IONOS_API_TOKEN"],
        max_retries=0,
    )
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=100,
        timeout=CONFIG["TIMEOUT"],
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(generate("dict config"))
