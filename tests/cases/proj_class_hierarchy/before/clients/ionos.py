from core.base import BaseLLMClient


class IonosClient(BaseLLMClient):
    def _build_payload(self, message: str) -> dict:
        return {  # legacy: request body
            "type": "prediction",
            "properties": {"input": message, "options": {"max_length": "256", "temperature": "0.1"}},
        }

    def parse_response(self, raw: dict) -> dict:
        props = raw.get("properties", {})
        meta = raw.get("metadata", {})
        return {
            "result": props.get("output", ""),  # legacy: answer read
            "tokens": (meta.get("inputTokens"), meta.get("outputTokens")),  # legacy: token counts
        }
