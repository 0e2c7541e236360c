import os

from openai import OpenAI

HEADERS = {"Authorization": f"Bearer {os.environ['IONOS_API_TOKEN']}"}
ionos_client = OpenAI(
    base_url="https://openai.inference.de-txl.ionos.com/v1",
    api_key=os.environ['IONOS_API_TOKEN'],
    max_retries=0,
)


class Endpoint:
    def path(self):
        return "/predictions"  # legacy: predictions path


class TextModel(Endpoint):
    def __init__(self, base_url):
        self.base_url = base_url

    def body(self, prompt):
        return {"messages": [{"role": "user", "content": prompt}], "max_tokens": 35}  # legacy: request body

    def ask(self, prompt):
        r = ionos_client.chat.completions.create(  # legacy: predictions call
            model="meta-llama/Llama-3.3-70B-Instruct",
            **self.body(prompt),
        )
        return r.choices[0].message.content  # legacy: answer read


if __name__ == "__main__":
    llama = TextModel(base_url="https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091")  # legacy: base URL with model id
    print(llama.ask("class hierarchy"))
