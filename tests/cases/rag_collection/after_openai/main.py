import base64
import os

import requests
from openai import OpenAI


def ionos_rag_messages(text, query, context):
    """The legacy server-side RAG prompt (ionos-migrate).

    The placeholders filled in, else the context as a system message.
    """
    if "{{.context}}" in text or "{{.collection_query}}" in text:
        text = text.replace("{{.context}}", context)
        text = text.replace("{{.collection_query}}", query)
        return [{"role": "user", "content": text}]
    return [{"role": "system", "content": context}, {"role": "user", "content": text}]


URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
COLLECTION_ID = "7a3c7c2e-1111-4444-8888-123456789abc"
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ["IONOS_API_TOKEN"],
    max_retries=0,
)


def answer(question):
    _ionos_hits = requests.post(
        f"https://inference.de-txl.ionos.com/collections/{COLLECTION_ID}/query",
        json={"query": question, "limit": 5},
        headers=HEADERS,
        timeout=60,
    ).json()
    _ionos_context = "\n\n".join(
        base64.b64decode(match["document"]["properties"]["content"]).decode(
            "utf-8",
            "replace",
        )
        for match in _ionos_hits["properties"]["matches"]
    )
    payload = {
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "messages": ionos_rag_messages(question, question, _ionos_context),  # legacy: request body input
        "max_tokens": 500,
    }
    # ask with the collection as context
    r = ionos_client.chat.completions.create(**payload, timeout=60)  # legacy: predictions call
    return r.choices[0].message.content  # legacy: answer read


def answer_with_template(question):
    prompt = "Answer from this context only.\nContext: {{.context}}\nQuestion: {{.collection_query}}"
    _ionos_hits = requests.post(
        f"https://inference.de-txl.ionos.com/collections/{COLLECTION_ID}/query",
        json={"query": (question or prompt), "limit": 5},
        headers=HEADERS,
    ).json()
    _ionos_context = "\n\n".join(
        base64.b64decode(match["document"]["properties"]["content"]).decode(
            "utf-8",
            "replace",
        )
        for match in _ionos_hits["properties"]["matches"]
    )
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=ionos_rag_messages(prompt, (question or prompt), _ionos_context),
        max_tokens=500,
    )
    return r.choices[0].message.content  # legacy: answer read


def answer_without_query(question):
    _ionos_hits = requests.post(
        f"https://inference.de-txl.ionos.com/collections/{COLLECTION_ID}/query",
        json={"query": question, "limit": 5},
        headers=HEADERS,
    ).json()
    _ionos_context = "\n\n".join(
        base64.b64decode(match["document"]["properties"]["content"]).decode(
            "utf-8",
            "replace",
        )
        for match in _ionos_hits["properties"]["matches"]
    )
    r = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=ionos_rag_messages(question, question, _ionos_context),
        max_tokens=500,
    )
    return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(answer("What is in the collection?"))
    print(answer_with_template("Which documents?"))
    print(answer_without_query("No query given"))
