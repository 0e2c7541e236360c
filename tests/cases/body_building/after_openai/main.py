import os

from openai import OpenAI

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}", "Content-Type": "application/json"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def nested(prompt, max_len=300):
    # the options first, then the properties, then the payload
    payload = {  # legacy: request body
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": int(max_len),
        "temperature": 0.7,
    }
    r = ionos_client.chat.completions.create(**payload)  # legacy: predictions call
    return r.choices[0].message.content  # legacy: answer read


def build_payload(prompt):
    return {  # legacy: request body
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": 50,
        "top_p": 0.9,
    }


def from_helper(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call
        model="meta-llama/Llama-3.3-70B-Instruct",
        **build_payload(prompt),
    )
    return r.choices[0].message.content  # legacy: answer read


def numbers_and_variables(prompt, temperature):
    limit = 42
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=int(limit),
        temperature=float(temperature),
        top_p=0.5,
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(nested("nested dicts"))
    print(from_helper("helper"))
    print(numbers_and_variables("numbers", "0.3"))
