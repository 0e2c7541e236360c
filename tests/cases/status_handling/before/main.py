"""Status handling around legacy calls: ok/else, raise_for_status in a try, != 200 with a local token."""
import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def ask_ok(prompt):
    r = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "40"}}}, headers=HEADERS, timeout=30)  # legacy: predictions call with body
    if r.ok:
        answer = r.json()
        return answer["properties"]["output"]  # legacy: answer read
    else:
        print("the hub answered", r.status_code)
    return ""


def ask_guarded(prompt):
    try:
        r = requests.post(URL, json={"properties": {"input": prompt}}, headers=HEADERS, timeout=30)  # legacy: predictions call with body
        r.raise_for_status()
        return r.json()["properties"]["output"]  # legacy: answer read
    except requests.RequestException as exc:
        return f"failed: {exc}"


def ask_with_token(prompt, token):
    response = requests.post(URL, json={"properties": {"input": prompt, "options": {"max_length": "25"}}}, headers={"Authorization": f"Bearer {token}"})  # legacy: predictions call with body
    if response.status_code != 200:
        raise RuntimeError(f"IONOS answered {response.status_code}")
    return response.json()["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    print(ask_ok("ok or else"))
    print(ask_guarded("guarded"))
    print(ask_with_token("local token", os.environ["IONOS_API_TOKEN"]))
