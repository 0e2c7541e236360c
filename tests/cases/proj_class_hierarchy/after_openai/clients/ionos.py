from core.base import BaseLLMClient


class IonosClient(BaseLLMClient):
    def _build_payload(self, message: str) -> dict:
        # ionos-migrate: part of one legacy call split over clients/ionos.py,
        #   core/base.py, main.py; rewrite every piece together, by hand (see the
        #   ionos-migrate report)
        return {  # legacy: request body
            "type": "prediction",  # legacy: request body type
            "properties": {"input": message, "options": {"max_length": "256", "temperature": "0.1"}},  # legacy: request body
        }

    def parse_response(self, raw: dict) -> dict:
        # ionos-migrate: part of one legacy call split over clients/ionos.py,
        #   core/base.py, main.py; rewrite every piece together, by hand (see the
        #   ionos-migrate report)
        props = raw.get("properties", {})  # legacy: answer read
        meta = raw.get("metadata", {})  # legacy: token counts
        return {
            "result": props.get("output", ""),  # legacy: answer read
            "tokens": (meta.get("inputTokens"), meta.get("outputTokens")),  # legacy: token counts
        }
