"""``GET /models`` -> ``GET /v1/models``: ``items`` -> ``data``, ``properties.name`` -> ``id``."""

from __future__ import annotations

from ionos_migrate.compat import rules as mapping

from ..answer import follow_answer
from ..error_path import error_answer
from ..core import RuleContext, SiteError
from ..edits import SiteEdits
from ..response import MODELS, ReadError, Tracker
from ..sdk import SdkError, call_code, urllib_opening
from ..sites import classify
from ..urls import write_urls
from ..writer import sdk_client, send_through_sdk
from ..pieces import related_of
from . import Rule

RULE_ID = "ionos-models-list"


def run(ctx: RuleContext) -> None:
    urls = []
    for http in ctx.calls:
        legacy = classify(http.url_parts)
        if legacy is None or legacy.kind != "models" or http.call in ctx.claimed:
            continue
        site = SiteEdits(url=mapping.OPENAI_BASE_URL + mapping.OPENAI_MODELS_PATH.removeprefix("/v1"))
        sdk = ctx.context.target == "openai"
        tracker = Tracker(ctx.index, ctx.resolver, MODELS, site, sdk=sdk)
        try:
            if http.method != "GET":
                raise SiteError(f"a {http.method or 'request of unknown method'} to {legacy.display_path}; only GET lists models")
            if sdk:
                _sdk_call(ctx, site, http)
            follow_answer(ctx, http, tracker)
            if sdk:
                tracker.notes += error_answer(ctx, site, http, tracker)
        except (SiteError, ReadError) as exc:
            ctx.manual(http.call, RULE_ID, str(exc), related=related_of(ctx, http))
            continue
        ctx.edits.commit(site)
        ctx.claimed.add(http.call)
        if sdk:
            ctx.replaced_names.append(http.call)
            ctx.replaced_names.extend(site.gone)  # urlopen(req), json.loads(...) around the answer
        else:
            urls.append((http.url, site.url, http))
        notes = ["item ids are model names now (the legacy ids were UUIDs)"] + tracker.notes
        if sdk:
            notes.append("through the openai SDK; the project now needs the openai package")
        ctx.report(http.call, RULE_ID, "migrated", "; ".join([f"GET {legacy.display_path} -> {mapping.OPENAI_MODELS_PATH}", *notes]),
                   related=related_of(ctx, http, site.replace))
    write_urls(ctx, urls)


def _sdk_call(ctx: RuleContext, site: SiteEdits, http) -> None:
    client = sdk_client(ctx, site, http)
    assert client is not None
    try:
        opening = urllib_opening(ctx, http)
    except SdkError as exc:
        raise SiteError(str(exc)) from None
    options_from = opening.call if opening is not None else None
    send_through_sdk(ctx, site, http, call_code(client, "models", [], http, spread=None, options_from=options_from), opening)


RULE = Rule(RULE_ID, run, order=20, description="GET /models: rewritten to GET /v1/models, answer reads translated (items[].properties.name -> data[].id)")
