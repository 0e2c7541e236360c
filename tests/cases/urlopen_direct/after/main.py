import json
import os
import urllib.request

MODELS = "https://inference.de-txl.ionos.com/models"  # legacy: base URL
PREDICT = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"  # legacy: predictions URL


def opener():
    handler = urllib.request.HTTPHandler()
    opener = urllib.request.build_opener(handler)
    opener.addheaders = [("Authorization", "Bearer " + os.environ["IONOS_API_TOKEN"]), ("Content-Type", "application/json")]
    urllib.request.install_opener(opener)


def model_names():
    with urllib.request.urlopen(  # legacy: models list call
        "https://openai.inference.de-txl.ionos.com/v1/models"
    ) as resp:
        return sorted(m["id"] for m in json.loads(resp.read())["data"])  # legacy: models list read


def ask(prompt):
    data = json.dumps(  # legacy: request body
        {
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 33,
        }
    ).encode("utf-8")
    with urllib.request.urlopen(  # legacy: predictions call
        "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
        data=data,
        timeout=30,
    ) as resp:
        return json.loads(  # legacy: answer read
            resp.read().decode("utf-8")
        )["choices"][0]["message"]["content"]


if __name__ == "__main__":
    opener()
    print(model_names())
    print(ask("urlopen with a URL string"))
