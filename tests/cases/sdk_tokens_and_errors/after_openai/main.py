"""Shapes --target openai once left manual, or rewrote with another error path: a token from another
module in .format(), a session made in one function and passed to another, a helper that checks the
status, and error answers the code turned into values."""
import asyncio
import logging

import aiohttp
import openai
import requests
from openai import AsyncOpenAI, OpenAI

from classic import ask_classic
from settings import API_TOKEN

ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=API_TOKEN or "no-token",
    max_retries=0,
)
ionos_async_client = AsyncOpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=API_TOKEN or "no-token",
    max_retries=0,
)
log = logging.getLogger("hub")
PREDICT = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL


def ask_or_fallback(prompt):
    headers = {"Authorization": "Bearer {}".format(API_TOKEN)}
    try:
        try:
            r = ionos_client.chat.completions.create(  # legacy: predictions call with body
                model="meta-llama/Llama-3.3-70B-Instruct",
                messages=[{"role": "user", "content": prompt}],
                timeout=20,
            )
        except openai.APIStatusError:
            return "fallback"
        return (r.choices[0].message.content or "fallback")  # legacy: answer read
    except Exception as e:
        return f"Error: {e}"


def send(url, payload):
    response = requests.post(url, json=payload, headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=20)  # legacy: the call the helper sends
    response.raise_for_status()
    return response.json()


def ask_helper(prompt):
    answer = ionos_client.chat.completions.create(  # legacy: predictions call with body
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=30,
        timeout=20,
    )
    return answer.choices[0].message.content  # legacy: answer read


def ask_checked(prompt):
    try:
        r = ionos_client.chat.completions.create(  # legacy: predictions call with body
            model="meta-llama/Llama-3.3-70B-Instruct",
            messages=[{"role": "user", "content": prompt}],
        )
    except openai.APIStatusError as error:
        log.warning("the hub answered %s: %s", error.status_code, error.response.text)
        return "no answer"
    data = r
    return (data.choices[0].message.content or "no answer")  # legacy: answer read


async def fetch(session, prompt):
    resp = await ionos_async_client.chat.completions.create(
        model="meta-llama/Llama-3.3-70B-Instruct",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=20,
    )
    data = resp
    return data.choices[0].message.content  # legacy: answer read


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
