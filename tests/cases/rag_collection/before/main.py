import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
COLLECTION_ID = "7a3c7c2e-1111-4444-8888-123456789abc"
HEADERS = {"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"]}


def answer(question):
    payload = {
        "properties": {  # legacy: request body
            "input": question,  # legacy: request body input
            "collectionId": COLLECTION_ID,  # legacy: request body collection
            "collectionQuery": question,  # legacy: request body collection query
            "options": {"max_length": "500"},  # legacy: request body options
        }
    }
    # ask with the collection as context
    r = requests.post(URL, json=payload, headers=HEADERS, timeout=60)  # legacy: predictions call
    return r.json()["properties"]["output"]  # legacy: answer read


def answer_with_template(question):
    prompt = "Answer from this context only.\nContext: {{.context}}\nQuestion: {{.collection_query}}"
    r = requests.post(URL, json={"properties": {"input": prompt, "collectionId": COLLECTION_ID, "collectionQuery": question, "options": {"max_length": "500"}}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


def answer_without_query(question):
    r = requests.post(URL, json={"properties": {"input": question, "collectionId": COLLECTION_ID, "options": {"max_length": "500"}}}, headers=HEADERS)  # legacy: predictions call with body
    return r.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(answer("What is in the collection?"))
    print(answer_with_template("Which documents?"))
    print(answer_without_query("No query given"))
