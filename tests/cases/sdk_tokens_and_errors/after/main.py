"""Shapes --target openai once left manual, or rewrote with another error path: a token from another
module in .format(), a session made in one function and passed to another, a helper that checks the
status, and error answers the code turned into values."""
import asyncio
import logging

import aiohttp
import requests

from classic import ask_classic
from settings import API_TOKEN

log = logging.getLogger("hub")
PREDICT = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL


def ask_or_fallback(prompt):
    headers = {"Authorization": "Bearer {}".format(API_TOKEN)}
    try:
        r = requests.post(  # legacy: predictions call with body
            "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
            json={
                "model": "meta-llama/Llama-3.3-70B-Instruct",
                "messages": [{"role": "user", "content": prompt}],
            },
            headers=headers,
            timeout=20,
        )
        return r.json().get("choices", [{}])[0].get("message", {}).get(  # legacy: answer read
            "content",
            "fallback",
        )
    except Exception as e:
        return f"Error: {e}"


def send(url, payload):
    response = requests.post(url, json=payload, headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=20)  # legacy: the call the helper sends
    response.raise_for_status()
    return response.json()


def ask_helper(prompt):
    answer = send(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        {
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 30,
        },
    )
    return answer["choices"][0]["message"]["content"]  # legacy: answer read


def ask_checked(prompt):
    r = requests.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
        },
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    if r.status_code != 200:
        log.warning("the hub answered %s: %s", r.status_code, r.text)
    data = r.json()
    return data.get("choices", [{}])[0].get("message", {}).get("content", "no answer")  # legacy: answer read


async def fetch(session, prompt):
    async with session.post(  # legacy: predictions call with body
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        json={
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 20,
        },
    ) as resp:
        resp.raise_for_status()
        data = await resp.json()
        return data["choices"][0]["message"]["content"]  # legacy: answer read


async def ask_many(prompts):
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {API_TOKEN}"}) as session:
        return [await fetch(session, prompt) for prompt in prompts]


def outcome(ask, *args):
    """What a call gave: its value, or the HTTP status it failed with."""
    try:
        return ask(*args)
    except Exception as exc:  # the program reports any failure and goes on
        status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
        status = status or getattr(getattr(exc, "response", None), "status_code", None)
        return f"failed with HTTP {status}"


if __name__ == "__main__":
    print(outcome(ask_classic, "class attributes"))
    print(outcome(ask_or_fallback, "a default"))
    print(outcome(ask_helper, "a helper"))
    print(outcome(ask_checked, "a check"))
    print(outcome(lambda: asyncio.run(ask_many(["one", "two"]))))
