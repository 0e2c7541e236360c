"""Status handling around legacy calls: ok/else, raise_for_status in a try, != 200 with a local token."""
import os

import requests

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}


def ask_ok(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 40,
        },
        headers=HEADERS,
        timeout=30,
    )
    if r.ok:
        answer = r.json()
        return answer["choices"][0]["message"]["content"]  # legacy: answer read
    else:
        print("the hub answered", r.status_code)
    return ""


def ask_guarded(prompt):
    try:
        r = requests.post(  # legacy: predictions call with body
            "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
            json={
                "model": "meta-llama/Llama-3.3-70B-Instruct",
                "messages": [{"role": "user", "content": prompt}],
            },
            headers=HEADERS,
            timeout=30,
        )
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]  # legacy: answer read
    except requests.RequestException as exc:
        return f"failed: {exc}"


def ask_with_token(prompt, token):
    response = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 25,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status_code != 200:
        raise RuntimeError(f"IONOS answered {response.status_code}")
    return response.json()["choices"][0]["message"]["content"]  # legacy: answer read


if __name__ == "__main__":
    print(ask_ok("ok or else"))
    print(ask_guarded("guarded"))
    print(ask_with_token("local token", os.environ["IONOS_API_TOKEN"]))
