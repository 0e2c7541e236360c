"""A small stand-in for a framework's LLM base class: subclasses implement _call."""


class LLM:
    def __init__(self, **fields):
        for name, value in fields.items():
            if not hasattr(type(self), name):
                raise TypeError(f"unknown field {name!r}")
            setattr(self, name, value)

    @property
    def _llm_type(self) -> str:
        raise NotImplementedError

    def _call(self, prompt: str, stop=None) -> str:
        raise NotImplementedError

    def invoke(self, prompt: str, stop=None) -> str:
        text = self._call(prompt, stop=stop)
        for marker in stop or []:
            text = text.split(marker)[0]
        return text
