import os

import requests

MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"
TOKEN = os.environ["IONOS_API_TOKEN"]


def summarise(question, collection):
    endpoint = f"https://inference.de-txl.ionos.com/models/{MODEL}/predictions"
    body = {
        "properties": {
            "input": question,
            "collectionId": collection,
            "collectionQuery": question,
            "options": {"max_length": "200", "temperature": "0.1"},
        }
    }
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    try:
        response = requests.post(endpoint, json=body, headers=headers)
        if response.status_code == 200:
            return response.json().get("properties", {}).get("output", "")
    except requests.RequestException as exc:
        print("request failed:", exc)
    return None


if __name__ == "__main__":
    print(summarise("What do the documents say?", "5e0c3b1a-2222-4444-8888-abcdefabcdef"))
