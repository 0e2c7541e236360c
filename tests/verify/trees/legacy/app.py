"""A small program on the retired IONOS native API: the `before` tree of the verify tests.

Chat in this process (concurrently, with requests), server-side RAG in a
child Python process (child.py), so the shim must cover children too.
"""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import requests

from settings import BASE, HEADERS, MODEL


def ask(question: str) -> str:
    body = {"properties": {"input": question, "options": {"max_length": "300", "temperature": "0.01"}}}
    response = requests.post(f"{BASE}/models/{MODEL}/predictions", json=body, headers=HEADERS, timeout=30)
    response.raise_for_status()
    return response.json()["properties"]["output"]


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
