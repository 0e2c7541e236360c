import asyncio

from service.worker import complete_all

for text, tokens in asyncio.run(complete_all(["First question.", "Second question."])):
    print(tokens, text)
