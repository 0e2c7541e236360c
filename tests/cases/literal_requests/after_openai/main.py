from openai import OpenAI

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
headers = {"Authorization": "Bearer x"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=headers["Authorization"].removeprefix("Bearer "),
    max_retries=0,
)


def ask(prompt):
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=300,
        temperature=0.01,
    )
    return r.choices[0].message.content  # legacy: answer read


print(ask("hi"))
