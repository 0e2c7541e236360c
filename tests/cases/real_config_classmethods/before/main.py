from hub.client import ask, model_names

print(model_names())
print(ask("Name a river that flows through Berlin."))
