"""Run every feature once and print what came back (used by `ionos-migrate verify`)."""

import os
import tempfile

from catalogue import model_names
from chat import ask
from images import draw
from knowledge import answer_from_handbook
from summarise import summarise


def main() -> None:
    print("models:", ", ".join(model_names()))
    print("ask:", ask("What is the capital of Germany?"))
    print("summary:", summarise("IONOS is a cloud provider based in Germany. " * 5, words=20))
    print("handbook:", answer_from_handbook("How many vacation days do I get?"))
    with tempfile.TemporaryDirectory() as tmp:
        print("image bytes:", draw("a lighthouse at dusk", os.path.join(tmp, "out.png")))


if __name__ == "__main__":
    main()
