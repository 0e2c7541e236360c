import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
headers = {"Authorization": "Bearer x"}


def ask(prompt):
    # ionos-migrate: no "Authorization": "Bearer ..." header the tool can read; build
    #   the openai client by hand
    r = requests.post(URL, headers=headers, json={"properties": {"input": prompt, "options": {"max_length": "300", "temperature": "0.01"}}})  # legacy: predictions call with body
    r.raise_for_status()
    return r.json()["properties"]["output"]  # legacy: answer read


print(ask("hi"))
