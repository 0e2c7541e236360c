from core.base import BaseLLMClient


class IonosClient(BaseLLMClient):
    def _build_payload(self, message: str) -> dict:
        return {  # legacy: request body
            "type": "prediction",  # legacy: request body type
            "properties": {"input": message, "options": {"max_length": "256", "temperature": "0.1"}},  # legacy: request body
        }

    def parse_response(self, raw: dict) -> dict:
        props = raw.get("properties", {})  # legacy: answer read
        meta = raw.get("metadata", {})  # legacy: token counts
        return {
            "result": props.get("output", ""),  # legacy: answer read
            "tokens": (meta.get("inputTokens"), meta.get("outputTokens")),  # legacy: token counts
        }
