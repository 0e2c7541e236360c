def answer_text(answer: dict) -> str:
    # ionos-migrate: a read of the legacy answer (properties.output): the request that
    #   fetched this answer is in another module, or is not one the tool can follow;
    #   read the new answer's fields once that request is migrated; see the
    #   ionos-migrate report
    return answer.get("properties", {}).get("output", "").strip()  # legacy: answer read


def usage_line(answer: dict) -> str:
    # ionos-migrate: a read of the legacy answer (metadata.inputTokens); a read of the
    #   legacy answer (metadata.outputTokens): the request that fetched this answer is
    #   in another module, or is not one the tool can follow; read the new answer's
    #   fields once that request is migrated; see the ionos-migrate report
    meta = answer.get("metadata", {})  # legacy: token counts
    return f"{meta.get('inputTokens', '?')} in / {meta.get('outputTokens', '?')} out"  # legacy: token counts
