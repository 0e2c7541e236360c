"""``GET /models`` -> ``GET /v1/models``: ``items`` -> ``data``, ``properties.name`` -> ``id``."""

from __future__ import annotations

from ionos_migrate.compat import rules as mapping

from ..core import RuleContext
from ..edits import SiteEdits
from ..response import MODELS, ReadError, Tracker
from ..sites import classify
from . import Rule
from .predictions import SiteError, follow_answer, write_urls

RULE_ID = "ionos-models-list"


def run(ctx: RuleContext) -> None:
    urls = []
    for http in ctx.calls:
        legacy = classify(http.url_parts)
        if legacy is None or legacy.kind != "models" or http.call in ctx.claimed:
            continue
        site = SiteEdits(url=mapping.OPENAI_BASE_URL + mapping.OPENAI_MODELS_PATH.removeprefix("/v1"))
        tracker = Tracker(ctx.index, ctx.resolver, MODELS, site)
        try:
            if http.method != "GET":
                raise SiteError(f"a {http.method or 'request of unknown method'} to {legacy.display_path}; only GET lists models")
            follow_answer(ctx, http, tracker)
        except (SiteError, ReadError) as exc:
            ctx.manual(http.call, RULE_ID, str(exc))
            continue
        ctx.edits.commit(site)
        ctx.claimed.add(http.call)
        urls.append((http.url, site.url, http))
        notes = ["item ids are model names now (the legacy ids were UUIDs)"] + tracker.notes
        ctx.report(http.call, RULE_ID, "migrated", "; ".join([f"GET {legacy.display_path} -> {mapping.OPENAI_MODELS_PATH}", *notes]))
    write_urls(ctx, urls)


RULE = Rule(RULE_ID, run, order=20)
