from llm import ChatClient, load_config

client = ChatClient(load_config())
print(client.complete("Write a haiku about the Rhine."))
