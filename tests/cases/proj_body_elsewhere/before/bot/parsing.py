def extract_text(raw: dict) -> str:
    return raw["properties"]["output"].strip()  # legacy: answer read


def token_usage(raw: dict) -> tuple:
    meta = raw.get("metadata") or {}  # legacy: token counts
    return meta.get("inputTokens", 0), meta.get("outputTokens", 0)  # legacy: token counts
