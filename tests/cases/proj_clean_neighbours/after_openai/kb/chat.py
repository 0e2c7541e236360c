import requests

from .collections import search
from .settings import IONOS_OPENAI_BASE, TOKEN

ANSWER_SCHEMA = {
    "type": "object",
    "properties": {"input": {"type": "string"}, "output": {"type": "string"}},
    "required": ["input", "output"],
}


def answer(question: str) -> str:
    context = "\n\n".join(search(question))
    r = requests.post(
        f"{IONOS_OPENAI_BASE}/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "system", "content": context}, {"role": "user", "content": question}],
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    return r.json()["choices"][0]["message"]["content"]


def output_field(schema: dict = ANSWER_SCHEMA) -> dict:
    return schema["properties"]["output"]
