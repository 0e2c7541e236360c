import os

import openai
from openai import OpenAI

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def send(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=30,
    )
    return r


def with_get_chain(prompt):
    try:
        r = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=30,
        )
    except openai.APIStatusError:
        return ""
    return (r.choices[0].message.content or "")  # legacy: answer read


def with_loads(prompt):
    try:
        r = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=30,
        )
    except openai.APIStatusError:
        pass
    else:
        return r.choices[0].message.content.strip()  # legacy: answer read
    return None


def with_tokens(prompt):
    data = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=30,
    )
    return data.usage.prompt_tokens + data.usage.completion_tokens  # legacy: token counts


if __name__ == "__main__":
    print(send("one function away").choices[0].message.content)  # legacy: answer read
    print(with_get_chain("get chain"))
    print(with_loads("json.loads"))
    print(with_tokens("tokens"))
