import base64
import os
import re

import openai
import requests
from openai import OpenAI


def ionos_collection_id(value):
    """A collection id that keeps the URL path intact (ionos-migrate).

    No dot segment, "/" or control character.
    """
    value = str(value)
    if re.search(
        r"\A\.{0,2}\Z|[/\\\x00-\x1f\x7f]|%(?:2[eEfF]|5[cC]|[01][0-9a-fA-F]|7[fF])",
        value,
    ):
        raise ValueError(f"not a collection id: {value!r}")
    return value


def ionos_rag_messages(text, query, context):
    """The legacy server-side RAG prompt (ionos-migrate).

    The placeholders filled in, else the context as a system message.
    """
    if "{{.context}}" in text or "{{.collection_query}}" in text:
        text = text.replace("{{.context}}", context)
        text = text.replace("{{.collection_query}}", query)
        return [{"role": "user", "content": text}]
    return [{"role": "system", "content": context}, {"role": "user", "content": text}]


MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
TOKEN = os.environ["IONOS_API_TOKEN"]
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=TOKEN,
    max_retries=0,
)


def summarise(question, collection):
    body = {
        "model": "meta-llama/Llama-3.3-70B-Instruct",
        "max_tokens": 200,
        "temperature": 0.1,
    }
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    try:
        _ionos_hits = requests.post(
            "https://inference.de-txl.ionos.com/collections/"
            + ionos_collection_id(collection)
            + "/query",
            json={"query": question, "limit": 5},
            headers=headers,
        ).json()
        _ionos_context = "\n\n".join(
            base64.b64decode(match["document"]["properties"]["content"]).decode(
                "utf-8",
                "replace",
            )
            for match in _ionos_hits["properties"]["matches"]
        )
        body["messages"] = ionos_rag_messages(question, question, _ionos_context)
        try:
            response = ionos_client.chat.completions.create(**body)  # legacy: predictions call
        except openai.APIStatusError:
            pass
        else:
            return (response.choices[0].message.content or "")  # legacy: answer read
    except (requests.RequestException, openai.APIError) as exc:
        print("request failed:", exc)
    return None


if __name__ == "__main__":
    print(summarise("What do the documents say?", "5e0c3b1a-2222-4444-8888-abcdefabcdef"))
