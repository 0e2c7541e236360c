import os

import openai
from openai import OpenAI

BASE = "https://inference.de-txl.ionos.com"  # legacy: legacy host
MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ["IONOS_API_TOKEN"],
    max_retries=0,
)


def with_percent(prompt):
    try:
        r = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=50,
        )
    except openai.APIStatusError:
        return ""
    return (r.choices[0].message.content or "")  # legacy: answer read


def with_format(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=50,
    )
    return r.choices[0].message.content  # legacy: answer read


def with_concatenation(prompt, temperature):
    r = ionos_client.chat.completions.create(
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        temperature=float(temperature),
        max_tokens=64,
        extra_body={"top_k": 5},
    )
    body = r
    print("tokens:", body.usage.prompt_tokens, body.usage.completion_tokens)  # legacy: token counts
    return body.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(with_percent("one"))
    print(with_format("two"))
    print(with_concatenation("three", 0.5))
