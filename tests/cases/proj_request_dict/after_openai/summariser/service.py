from .retrying import with_retries


class SummaryService:
    def __init__(self, api_url: str, model_id: str, token: str):
        self.api_url = api_url
        self.model_id = model_id
        self.token = token

    def _prepare(self, text: str) -> dict:
        # ionos-migrate: a legacy request body ({"properties": {"input": ...}}): no
        #   request the tool can follow uses this here; see the ionos-migrate report
        return {
            "url": f"{self.api_url}/{self.model_id}/predictions",  # legacy: predictions URL
            "headers": {"Authorization": f"Bearer {self.token}"},
            "payload": {"properties": {"input": f"Summarise: {text}", "options": {"max_length": "150"}}},  # legacy: body
        }

    @with_retries(attempts=3)
    async def summarise(self, client, text: str) -> str:
        req = self._prepare(text)
        # ionos-migrate: the request body (req["payload"]) is not a dict the tool can
        #   follow
        resp = await client.post(req["url"], json=req["payload"], headers=req["headers"])  # legacy: the request
        resp.raise_for_status()
        return resp.json()["properties"]["output"]  # legacy: answer read
