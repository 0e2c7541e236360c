"""The correct migration of ../legacy/app.py: the OpenAI-compatible API, same requests library."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import requests

from settings import HEADERS, MODEL, OPENAI_BASE


def ask(question: str) -> str:
    body = {"model": MODEL, "messages": [{"role": "user", "content": question}], "max_tokens": 300, "temperature": 0.01}
    response = requests.post(f"{OPENAI_BASE}/chat/completions", json=body, headers=HEADERS, timeout=30)
    response.raise_for_status()
    return response.json()["choices"][0]["message"]["content"]


def main() -> int:
    questions = ["What is the capital of Germany?", "Name a river in France.", "How tall is Mont Blanc?"]
    with ThreadPoolExecutor(max_workers=3) as pool:
        for question, answer in zip(questions, pool.map(ask, questions)):
            print(f"ask: {question} -> {answer}")
    if "--in-process" in sys.argv:  # quicker: the RAG part in this process
        from child import answer_from_handbook

        print("handbook:", answer_from_handbook("How many vacation days do I get?"))
        return 0
    child = subprocess.run([sys.executable, "child.py"], capture_output=True, text=True)
    print(child.stdout, end="")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
