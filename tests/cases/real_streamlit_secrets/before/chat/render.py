def answer_text(answer: dict) -> str:
    return answer.get("properties", {}).get("output", "").strip()  # legacy: answer read


def usage_line(answer: dict) -> str:
    meta = answer.get("metadata", {})  # legacy: token counts
    return f"{meta.get('inputTokens', '?')} in / {meta.get('outputTokens', '?')} out"  # legacy: token counts
