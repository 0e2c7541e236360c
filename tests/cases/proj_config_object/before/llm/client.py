import requests


class ChatClient:
    def __init__(self, config):
        self.config = config
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {config.token}"})

    def complete(self, prompt: str) -> str:
        payload = {
            "type": "prediction",  # legacy: request body type
            "properties": {  # legacy: request body
                "input": prompt,  # legacy: request body input
                "options": {"temperature": str(self.config.temperature), "max_length": "200"},  # legacy: request body options
            },
        }
        resp = self.session.post(  # legacy: predictions call
            f"{self.config.api_url}/{self.config.model_id}/predictions",  # legacy: predictions URL
            json=payload,
            timeout=60,
        )
        resp.raise_for_status()
        data = resp.json()
        return data["properties"]["output"]  # legacy: answer read
