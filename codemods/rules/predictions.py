"""``POST /models/{id}/predictions`` -> ``/v1/chat/completions`` or ``/v1/images/generations``.

Per site: the model id moves from the URL into the body through the model
map, the body is rewritten where its dict is written, the URL argument
becomes the new endpoint, and every read of the answer follows the new
shape. Any piece that cannot be done with confidence leaves the whole site
untouched, marked, and reported as ``manual``.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst
from ionos_migrate.compat import rules as mapping

from .. import shapes
from ..answer import follow_answer
from ..error_path import error_answer
from ..body import (
    BodyError,
    LegacyBody,
    code,
    is_literal,
    literal_value,
    option_code,
    py_literal,
    read_body,
    user_messages,
)
from ..core import RuleContext, SiteError
from ..edits import SiteEdits
from ..model_choice import (
    TABLE_NAME,
    ModelChoice,
    choose_model,
    describe_parts,
    is_image,
    model_field,
)
from ..rag import rag_body
from ..resolve import Dyn, Scope, positional_names
from ..response import CHAT, IMAGE, ReadError, Tracker
from ..sdk import Client
from ..runtime_base import describe, url_expression
from ..signals import dict_shape
from ..sites import HttpCall, LegacyUrl, classify, classify_runtime
from ..pieces import related_of
from ..urls import drop_dead_url_variables, write_urls
from ..writer import remove_inlined, sdk_client, write_body
from . import Rule

RULE_ID = "ionos-predictions"


def run(ctx: RuleContext) -> None:
    urls: list[tuple[cst.BaseExpression, str, HttpCall]] = []
    replaced_urls: list[HttpCall] = []
    for http in ctx.calls:
        legacy = _legacy_url(ctx, http)
        if legacy is None and _unresolved_predictions(ctx, http):
            ctx.manual(
                http.call,
                RULE_ID,
                f"a predictions URL built from pieces only known elsewhere ({describe_parts(http.url_parts)}); "
                "if it is the legacy IONOS API, send POST /v1/chat/completions with the model in the body by hand",
            )
            continue
        if legacy is None or legacy.kind != "predictions":
            continue
        if http.call in ctx.claimed:
            continue
        try:
            site, message = rewrite(ctx, http, legacy)
        except (SiteError, BodyError, ReadError) as exc:
            ctx.manual(http.call, RULE_ID, str(exc), related=related_of(ctx, http))
            continue
        ctx.edits.commit(site)
        ctx.claimed.update(site.replace)
        ctx.claimed.add(http.call)
        if site.url:
            urls.append((http.url, site.url, http))
        else:  # the whole call was replaced (--target openai)
            ctx.replaced_names.append(http.call)
            ctx.replaced_names.extend(site.gone)  # urlopen(req), json.loads(...) around the answer
            replaced_urls.append(http)
        ctx.report(http.call, RULE_ID, "migrated", message, related=related_of(ctx, http, site.replace))
    write_urls(ctx, urls)
    drop_dead_url_variables(ctx, replaced_urls)


def rewrite(ctx: RuleContext, http: HttpCall, legacy: LegacyUrl) -> tuple[SiteEdits, str]:
    if http.method not in ("POST",):
        raise SiteError(f"a {http.method or 'request of unknown method'} to a predictions URL; send it as POST /v1/chat/completions by hand")
    if http.body is None:
        raise SiteError("the request body is not json=... or data=json.dumps(...); rewrite it by hand for /v1/chat/completions")
    _check_body_not_shared(ctx, http)
    bodies = _bodies(ctx, http)
    site = SiteEdits()
    client = sdk_client(ctx, site, http, legacy.base)
    notes: list[str] = []
    kinds = set()
    for body, sent, scope in bodies:
        _check_body_not_changed(ctx, sent, scope, body)
        if body.anchor in ctx.claimed:
            raise SiteError("the body dict is shared with another legacy call; rewrite both by hand")
        target_scope = http.scope if body.helper is not None else body.scope
        model = choose_model(ctx, legacy, target_scope)
        if is_image(model, body):
            endpoint, shape, body_notes = _image(ctx, site, http, body, model, client)
        elif body.collection_id is not None:
            endpoint, shape, body_notes = rag_body(ctx, site, http, body, model, client)
        else:
            endpoint, shape, body_notes = _chat(ctx, site, http, body, model, client)
        kinds.add(endpoint)
        notes += [note for note in model.notes + body_notes if note not in notes]
        remove_inlined(ctx, site, body)
    if len(kinds) != 1:
        raise SiteError("the callers pass bodies for different endpoints (text and image); rewrite by hand")
    in_helper = client is not None and client.helper is not None  # the helper calls the SDK, returns the JSON
    if legacy.base is not None and client is None:
        site.url = url_expression(ctx, site, http, legacy.base, endpoint)
    else:
        site.url = "" if client and not in_helper else mapping.OPENAI_BASE_URL + endpoint
    tracker = Tracker(ctx.index, ctx.resolver, shape, site, sdk=client is not None and not in_helper)
    follow_answer(ctx, http, tracker)
    notes += tracker.notes
    if client is not None and not in_helper:
        notes += error_answer(ctx, site, http, tracker)
    model_text = model.entry.name if model.entry and not model.runtime else f"looked up in {TABLE_NAME} at run time"
    message = f"POST {legacy.display_path} -> /v1{endpoint} (model {model_text})"
    if in_helper:
        helper = http.forwarder.name.value  # type: ignore[union-attr]
        message += (f" through the openai SDK ({client.name}) in {helper}(), which now returns the answer's JSON in the "
                    f"new shape (.to_dict()); the project now needs the openai package")
    elif client is not None:
        message += f" through the openai SDK ({client.name}); the project now needs the openai package"
    if legacy.base is not None:
        notes.append(describe(ctx, legacy.base, http.scope, client is not None))
    elif legacy.host_from_default:
        notes.append("the legacy URL came from a default value (an environment variable or a parameter); the new URL is written out, so overriding it no longer applies here")
    return site, "; ".join([message, *notes])


def _bodies(ctx: RuleContext, http: HttpCall) -> list[tuple[LegacyBody, cst.BaseExpression, Scope]]:
    """(body, the expression that sends it, its scope): the body of the call, or, when that is a
    parameter of the enclosing function, the body every caller passes."""
    assert http.body is not None
    found = ctx.index.lookup(http.body.value, http.scope) if isinstance(http.body, cst.Name) else None
    if not found or found[0] != "param" or not isinstance(found[1], cst.FunctionDef):
        return [(read_body(http.body, http.scope, ctx.resolver), http.body, http.scope)]
    function = found[1]
    if http.forwarder is not None:
        raise SiteError(f"the body is a parameter of {function.name.value}(); rewrite it by hand")
    if found[2] in (function.params.star_arg, function.params.star_kwarg):
        raise SiteError(f"the body is the starred parameter {http.body.value} of {function.name.value}(); rewrite it by hand")
    names = positional_names(function)
    offset = 1 if names[:1] in (["self"], ["cls"]) else 0
    position = names.index(http.body.value) - offset if http.body.value in names else -1  # -1: keyword-only
    callers = list(ctx.resolver.callers(function))
    if not callers:
        raise SiteError(f"the body is a parameter of {function.name.value}() and no caller in this file passes it; rewrite by hand")
    bodies = []
    for call in callers:
        arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == http.body.value), None)
        positional = [a for a in call.args if a.keyword is None]
        if arg is None and 0 <= position < len(positional) and not positional[position].star:
            arg = positional[position]
        if arg is None:
            raise SiteError(f"a call of {function.name.value}() passes no body the tool can see; rewrite by hand")
        scope = ctx.index.scope_of(call)
        body = read_body(arg.value, scope, ctx.resolver)
        if body.helper is not None:
            raise SiteError(f"a call of {function.name.value}() passes a body built by another helper; rewrite by hand")
        bodies.append((body, arg.value, scope))
    return bodies


def _check_body_not_shared(ctx: RuleContext, http: HttpCall) -> None:
    """A body variable another request also sends cannot change shape under that request."""
    if not isinstance(http.body, cst.Name):
        return
    found = ctx.index.lookup(http.body.value, http.scope)
    if not found or found[0] != "value":
        return
    bodies = {id(other.body) for other in ctx.calls if other is not http and other.body is not None}
    for load in ctx.index.loads_of(http.body.value, found[1]):  # type: ignore[arg-type]
        if load is not http.body and id(load) in bodies:
            other = next(o for o in ctx.calls if o.body is load)
            raise SiteError(
                f"the body {http.body.value!r} is also sent by another request ({code(other.call.func)}); "
                "give each request its own body, then rerun"
            )


MUTATORS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}


LOGGING = {"print", "debug", "info", "warning", "error", "exception", "critical", "log", "dumps", "pprint"}


def _check_body_not_changed(ctx: RuleContext, sent: cst.BaseExpression, scope: Scope, body: LegacyBody) -> None:
    """The body (and the dicts folded into it) must be sent as built: no later item assignment,
    ``.update()``..., and the body variable read nowhere but in logging."""
    names = list(body.consumed)
    if isinstance(sent, cst.Name):
        found = ctx.index.lookup(sent.value, scope)
        if found and found[0] == "value":
            names.append((sent.value, found[1]))
    for name, scope in names:
        for load in ctx.index.loads_of(name, scope):
            parent = ctx.index.parent(load)
            if _mutated(ctx, load, parent):
                raise BodyError(f"{name!r} is changed after it is built; build the new body by hand")
            if name == getattr(sent, "value", None) and load is not sent and not _in_logging(ctx, load):
                raise BodyError(f"the body {name!r} is also used elsewhere ({code(ctx.statement_of(load) or load).strip()[:60]}); rewrite by hand")


def _mutated(ctx: RuleContext, load: cst.Name, parent) -> bool:
    if isinstance(parent, cst.Attribute) and parent.value is load and parent.attr.value in MUTATORS:
        return True
    node = load
    while isinstance(parent, cst.Subscript) and parent.value is node:  # payload["properties"]["options"]["x"] = ...
        node, parent = parent, ctx.index.parent(parent)
    if node is load:
        return False
    if isinstance(parent, (cst.AssignTarget, cst.Del)) or (isinstance(parent, cst.AugAssign) and parent.target is node):
        return True
    return isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in MUTATORS


def _in_logging(ctx: RuleContext, load: cst.Name) -> bool:
    for ancestor in ctx.index.ancestors(load):
        if isinstance(ancestor, cst.Call):
            func = ancestor.func
            name = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name) else "")
            if name in LOGGING:
                return True
        if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return False
    return False


def _legacy_url(ctx: RuleContext, http: HttpCall) -> LegacyUrl | None:
    """The legacy URL a call sends to: on the legacy host, or (a predictions path after a base known
    only at run time) where the call sends a legacy body or the module is tied to IONOS."""
    legacy = classify(http.url_parts)
    runtime = classify_runtime(http.url_parts)
    if runtime is None:
        return legacy
    if legacy is not None:
        return replace(legacy, base=runtime.base) if legacy.kind == "predictions" else legacy
    if http.method == "POST" and (_sends_legacy_body(ctx, http) or ctx.tied):
        return runtime
    return None


def _sends_legacy_body(ctx: RuleContext, http: HttpCall) -> bool:
    if http.body is None:
        return False
    found = ctx.resolver.dict_literal(http.body, http.scope)
    return found is not None and shapes.is_legacy_body(dict_shape(found[0]))


def _unresolved_predictions(ctx: RuleContext, http: HttpCall) -> bool:
    """``self.base_url + "/predictions"`` (a URL split over a class, its base passed in from elsewhere)
    in a module that talks to the legacy host: worth a manual finding. Other ``<unknown>/predictions``
    URLs (Replicate, a test client) are not this API's business."""
    parts = http.url_parts
    if not parts or not isinstance(parts[0], Dyn) or parts[0].default is not None or http.method != "POST":
        return False
    first = parts[0].node
    if not (isinstance(first, cst.Attribute) and isinstance(first.value, cst.Name) and first.value.value == "self"):
        return False
    tail = parts[-1]
    if not (isinstance(tail, str) and tail.rstrip("/").endswith("/predictions")):
        return False
    return mapping.LEGACY_HOST in ctx.index.source and http.body is not None


def _chat(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, model: ModelChoice, client: Client | None):
    options = option_code(body, ctx.resolver)
    fields = [("model", model_field(ctx, site, model)), ("messages", user_messages(code(body.input))), *options.fields]
    write_body(ctx, site, http, body, fields, "chat", client)
    return mapping.OPENAI_CHAT_PATH.removeprefix("/v1"), CHAT, options.notes


def _image(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, model: ModelChoice, client: Client | None):
    size_node = body.option("size")
    size = None
    if size_node is not None:
        value = literal_value(size_node, body.scope, ctx.resolver)
        size = mapping.normalise_image_size(str(value)) if is_literal(value) else None
        if size is None:
            raise SiteError(f'the image size ({code(size_node)}) is not a literal like "1024x1024"; set "size" by hand')
    fields = [("model", model_field(ctx, site, model)), ("prompt", code(body.input)), ("n", py_literal(mapping.IMAGE_N))]
    if size is not None:
        fields.append(("size", py_literal(size)))
    fields.append(("response_format", py_literal(mapping.IMAGE_RESPONSE_FORMAT)))
    write_body(ctx, site, http, body, fields, "image", client)
    dropped = [key for key, _ in body.options if key not in mapping.IMAGE_OPTIONS]
    notes = [f"image options {', '.join(dropped)} are not sent to /v1/images/generations"] if dropped else []
    return mapping.OPENAI_IMAGES_PATH.removeprefix("/v1"), IMAGE, notes


RULE = Rule(RULE_ID, run, order=10, description="POST /models/{id}/predictions: rewritten to /v1/chat/completions (or /images/generations), body and answer reads translated")
