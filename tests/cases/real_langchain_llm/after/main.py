from llms import IonosHubLLM

llm = IonosHubLLM(max_new_tokens=48)
print(llm.invoke("Give me a slogan for a bakery."))
print(llm.last_usage)
