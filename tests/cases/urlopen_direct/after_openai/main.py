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
    # ionos-migrate: urlopen() with a URL string sends no Authorization header of its
    #   own (an installed opener's?); build the openai client by hand or use --target
    #   http
    with urllib.request.urlopen(MODELS) as resp:  # legacy: models list call
        return sorted(m["properties"]["name"] for m in json.loads(resp.read())["items"])  # legacy: models list read


def ask(prompt):
    data = json.dumps({"properties": {"input": prompt, "options": {"max_length": "33"}}}).encode("utf-8")  # legacy: request body
    # ionos-migrate: urlopen() with a URL string sends no Authorization header of its
    #   own (an installed opener's?); build the openai client by hand or use --target
    #   http
    with urllib.request.urlopen(PREDICT, data=data, timeout=30) as resp:  # legacy: predictions call
        return json.loads(resp.read().decode("utf-8"))["properties"]["output"]  # legacy: answer read


if __name__ == "__main__":
    opener()
    print(model_names())
    print(ask("urlopen with a URL string"))
