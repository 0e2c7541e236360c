"""Status handling around legacy calls: ok/else, raise_for_status in a try, != 200 with a local token."""
import os

import openai
import requests
from openai import OpenAI

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL
HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


def ask_ok(prompt):
    try:
        r = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=40,
            timeout=30,
        )
    except openai.APIStatusError as error:
        print("the hub answered", error.status_code)
    else:
        answer = r
        return answer.choices[0].message.content  # legacy: answer read
    return ""


def ask_guarded(prompt):
    try:
        r = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            timeout=30,
        )
        return r.choices[0].message.content  # legacy: answer read
    except (requests.RequestException, openai.APIError) as exc:
        return f"failed: {exc}"


def ask_with_token(prompt, token):
    ionos_client = OpenAI(
        base_url="https://openai.inference.de-txl.ionos.com/v1",
        api_key=token or "no-token",
        max_retries=0,
    )
    try:
        response = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
            max_tokens=25,
        )
    except openai.APIStatusError as error:
        raise RuntimeError(f"IONOS answered {error.status_code}")
    return response.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    print(ask_ok("ok or else"))
    print(ask_guarded("guarded"))
    print(ask_with_token("local token", os.environ["IONOS_API_TOKEN"]))
