import os

import requests

MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # legacy: model id
TOKEN = os.environ["IONOS_API_TOKEN"]


def summarise(question, collection):
    endpoint = f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions"  # legacy: predictions URL
    body = {
        "properties": {  # legacy: request body
            "input": question,  # legacy: request body input
            "collectionId": collection,  # legacy: request body collection
            "collectionQuery": question,  # legacy: request body collection query
            "options": {"max_length": "200", "temperature": "0.1"},  # legacy: request body options
        }
    }
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    try:
        response = requests.post(endpoint, json=body, headers=headers)  # legacy: predictions call
        if response.status_code == 200:
            return response.json().get("properties", {}).get("output", "")  # legacy: answer read
    except requests.RequestException as exc:
        print("request failed:", exc)
    return None


if __name__ == "__main__":
    print(summarise("What do the documents say?", "5e0c3b1a-2222-4444-8888-abcdefabcdef"))
