def extract_text(raw: dict) -> str:
    # ionos-migrate: a read of the legacy answer (properties.output): the request that
    #   fetched this answer is in another module, or is not one the tool can follow;
    #   read the new answer's fields once that request is migrated; see the
    #   ionos-migrate report
    return raw["properties"]["output"].strip()  # legacy: answer read


def token_usage(raw: dict) -> tuple:
    # ionos-migrate: a read of the legacy answer (metadata.inputTokens); a read of the
    #   legacy answer (metadata.outputTokens): the request that fetched this answer is
    #   in another module, or is not one the tool can follow; read the new answer's
    #   fields once that request is migrated; see the ionos-migrate report
    meta = raw.get("metadata") or {}  # legacy: token counts
    return meta.get("inputTokens", 0), meta.get("outputTokens", 0)  # legacy: token counts
