"""The team's own forecasting service, served beside the IONOS-backed assistant."""

from .chat import answer

ROUTES = {}


def route(path):
    def register(function):
        ROUTES[path] = function
        return function

    return register


@route("/predictions")
def list_predictions(model):
    return [model.predict(row) for row in model.rows]


@route("/ask")
def ask(question):
    return answer(question)


def replicate_url(owner: str, name: str) -> str:
    return f"https://api.replicate.com/v1/models/{owner}/{name}/predictions"
