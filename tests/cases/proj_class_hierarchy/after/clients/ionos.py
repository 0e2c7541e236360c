from core.base import BaseLLMClient


class IonosClient(BaseLLMClient):
    def _build_payload(self, message: str) -> dict:
        # ionos-migrate: part of one legacy call split over clients/ionos.py, core/base.py, main.py; rewrite every piece together, by hand (see the ionos-migrate report)
        return {  # legacy: request body
            "type": "prediction",
            "properties": {"input": message, "options": {"max_length": "256", "temperature": "0.1"}},
        }

    def parse_response(self, raw: dict) -> dict:
        props = raw.get("properties", {})
        meta = raw.get("metadata", {})
        # ionos-migrate: part of one legacy call split over clients/ionos.py, core/base.py, main.py; rewrite every piece together, by hand (see the ionos-migrate report)
        return {
            "result": props.get("output", ""),  # legacy: answer read
            "tokens": (meta.get("inputTokens"), meta.get("outputTokens")),  # legacy: token counts
        }
