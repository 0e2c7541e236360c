"""The legacy host with an OpenAI-style path (``.../v1/chat/completions``): only the host is wrong.

Other paths on the legacy host that are neither predictions, the models
list nor the still-live collections API are reported for manual work.
"""

from __future__ import annotations

from ionos_migrate.compat import rules as mapping

from ..core import RuleContext
from ..sites import classify, openai_suffix
from ..urls import write_urls
from . import Rule

RULE_ID = "ionos-legacy-host"


def run(ctx: RuleContext) -> None:
    urls = []
    for http in ctx.calls:
        legacy = classify(http.url_parts)
        if legacy is None or http.call in ctx.claimed:
            continue
        if legacy.kind == "openai_path":
            suffix = openai_suffix(legacy.path.rstrip("/"))
            new_url = f"{mapping.OPENAI_BASE_URL}/{suffix}"
            urls.append((http.url, new_url, http))
            ctx.claimed.add(http.call)
            ctx.report(http.call, RULE_ID, "migrated", f"{legacy.path} on the legacy host -> {new_url} (only the host was wrong)")
        elif legacy.kind == "other":
            ctx.manual(
                http.call,
                RULE_ID,
                f"{http.method or 'a request'} {legacy.display_path or '/'} on the retired legacy API has no automatic mapping; "
                "move it to the OpenAI-compatible API by hand",
            )
    write_urls(ctx, urls)


RULE = Rule(RULE_ID, run, order=30, description="an OpenAI-style path (/v1/...) on the legacy host: the host is rewritten; other unknown legacy paths are manual")
