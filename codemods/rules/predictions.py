"""``POST /models/{id}/predictions`` -> ``/v1/chat/completions`` or ``/v1/images/generations``.

Per site: the model id moves from the URL into the body through the model
map, the body is rewritten where its dict is written, the URL argument
becomes the new endpoint, and every read of the answer follows the new
shape. Any piece that cannot be done with confidence leaves the whole site
untouched, marked, and reported as ``manual``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ionos_migrate.compat import rules as mapping
from ionos_migrate.compat.model_map import ModelEntry, UnknownModel

from ..body import (
    BodyError,
    LegacyBody,
    code,
    dict_code,
    py_literal,
    is_literal,
    literal_value,
    option_code,
    read_body,
    user_messages,
)
from ..core import RuleContext
from ..sdk import Client, SdkError, body_dict_fields, call_code, check_call, client_for
from ..edits import SiteEdits
from ..resolve import Dyn, Scope, dotted_name, literal_text, single_return, string_value
from ..response import CHAT, IMAGE, ReadError, Tracker
from ..sites import HttpCall, LegacyUrl, classify, instantiation_values
from . import Rule

RULE_ID = "ionos-predictions"
TABLE_NAME = "IONOS_LEGACY_MODELS"


class SiteError(Exception):
    """The site cannot be rewritten with confidence; the message says what to do."""


@dataclass
class ModelChoice:
    code: str  # python source for the body's "model"
    entry: Optional[ModelEntry]  # the entry the site relies on (None: run-time lookup without default)
    runtime: bool = False
    notes: list[str] = field(default_factory=list)


def run(ctx: RuleContext) -> None:
    urls: list[tuple[cst.BaseExpression, str, HttpCall]] = []
    replaced_urls: list[HttpCall] = []
    for http in ctx.calls:
        legacy = classify(http.url_parts)
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
            ctx.manual(http.call, RULE_ID, str(exc))
            continue
        ctx.edits.commit(site)
        ctx.claimed.update(site.replace)
        ctx.claimed.add(http.call)
        if site.url:
            urls.append((http.url, site.url, http))
        else:  # the whole call was replaced (--target openai)
            ctx.replaced_names.append(http.call)
            replaced_urls.append(http)
        ctx.report(http.call, RULE_ID, "migrated", message)
    write_urls(ctx, urls)
    drop_dead_url_variables(ctx, replaced_urls)


def drop_dead_url_variables(ctx: RuleContext, calls: list[HttpCall]) -> None:
    """--target openai: ``url = f"{BASE}/models/..."`` in a function, used only by calls that are gone now."""
    by_binding: dict[cst.CSTNode, list[cst.CSTNode]] = {}
    for http in calls:
        if not isinstance(http.url, cst.Name):
            continue  # a helper returning the URL stays: it may have other callers one day
        found = url_binding(ctx, http.url, http.scope)
        if found is not None and found[1] is not None and not isinstance(ctx.index.scope_of(found[0]), cst.Module):
            by_binding.setdefault(found[0], []).append(http.url)
            uses = {id(n) for n in found[1]}
            if uses <= {id(n) for n in by_binding[found[0]]}:
                statement = ctx.statement_of(found[0])
                if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and not any(
                    line.comment for line in statement.leading_lines
                ):
                    ctx.edits.replace[statement] = lambda _u: cst.RemoveFromParent()


def write_urls(ctx: RuleContext, urls: list[tuple[cst.BaseExpression, str, HttpCall]]) -> None:
    """The new endpoint goes where the URL is defined when only migrated calls use it, else into the call."""
    by_binding: dict[cst.CSTNode, list[tuple[cst.BaseExpression, str]]] = {}
    uses_of: dict[cst.CSTNode, list[cst.CSTNode] | None] = {}
    for node, url, http in urls:
        found = url_binding(ctx, node, http.scope)
        if found is None:
            ctx.edits.replace[node] = lambda _u, n=node, url=url: _url_literal(n, url)
            ctx.replaced_names.append(node)
        else:
            value, uses = found
            by_binding.setdefault(value, []).append((node, url))
            uses_of[value] = uses
    for value, sites in by_binding.items():
        uses = uses_of[value]
        new_urls = {url for _node, url in sites}
        if len(new_urls) == 1 and uses is not None and {id(n) for n in uses} == {id(n) for n, _ in sites}:
            url = new_urls.pop()
            ctx.edits.replace[value] = lambda _u, v=value, url=url: _url_literal(v, url)
        else:
            for node, url in sites:
                ctx.edits.replace[node] = lambda _u, n=node, url=url: _url_literal(n, url)
                ctx.replaced_names.append(node)


STRING_EXPRESSIONS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString, cst.BinaryOperation, cst.Call)


def url_binding(ctx: RuleContext, node: cst.BaseExpression, scope: Scope) -> tuple[cst.CSTNode, list | None] | None:
    """Where a URL argument is defined (a name assigned once, a helper returning it), and every use of that definition.

    The uses are None when code elsewhere may read the definition (a public module constant).
    """
    if isinstance(node, cst.Name):
        found = ctx.index.lookup(node.value, scope)
        if not found or found[0] != "value" or not isinstance(found[2], STRING_EXPRESSIONS):
            return None
        name, where = node.value, found[1]
        public = isinstance(where, cst.Module) and not name.islower() and not name.startswith("_")
        uses = None if public else list(Tracker(ctx.index, ctx.resolver, CHAT, SiteEdits())._loads_of(name, where))
        return found[2], uses  # type: ignore[return-value]
    if isinstance(node, cst.Call) and not node.args:
        helper = ctx.resolver.callee(node, scope)
        if helper is None or _takes_arguments(helper):
            return None
        returned = single_return(helper)
        if returned is None or not isinstance(returned, STRING_EXPRESSIONS):
            return None
        return returned, list(Tracker(ctx.index, ctx.resolver, CHAT, SiteEdits()).callers(helper))
    return None


def _takes_arguments(function: cst.FunctionDef) -> bool:
    params = function.params
    names = [p.name.value for p in list(params.posonly_params) + list(params.params)]
    if names[:1] in (["self"], ["cls"]):
        names = names[1:]
    return bool(names or params.kwonly_params or isinstance(params.star_arg, cst.Param) or params.star_kwarg)


def rewrite(ctx: RuleContext, http: HttpCall, legacy: LegacyUrl) -> tuple[SiteEdits, str]:
    if http.method not in ("POST",):
        raise SiteError(f"a {http.method or 'request of unknown method'} to a predictions URL; send it as POST /v1/chat/completions by hand")
    if http.body is None:
        raise SiteError("the request body is not json=... or data=json.dumps(...); rewrite it by hand for /v1/chat/completions")
    _check_body_not_shared(ctx, http)
    body = read_body(http.body, http.scope, ctx.resolver)
    _check_body_not_changed(ctx, http, body)
    if body.anchor in ctx.claimed:
        raise SiteError("the body dict is shared with another legacy call; rewrite both by hand")
    target_scope = http.scope if body.helper is not None else body.scope
    model = choose_model(ctx, legacy, target_scope)
    site = SiteEdits()
    notes = list(model.notes)
    client = _sdk_client(ctx, site, http)
    image = is_image(model, body)
    if image:
        endpoint, shape, body_notes = _image(ctx, site, http, body, model, client)
    elif body.collection_id is not None:
        endpoint, shape, body_notes = _rag(ctx, site, http, body, model, client)
    else:
        endpoint, shape, body_notes = _chat(ctx, site, http, body, model, client)
    notes += body_notes
    site.url = "" if client else mapping.OPENAI_BASE_URL + endpoint
    _remove_inlined(ctx, site, body)
    tracker = Tracker(ctx.index, ctx.resolver, shape, site, sdk=client is not None)
    follow_answer(ctx, http, tracker)
    notes += tracker.notes
    model_text = model.entry.name if model.entry and not model.runtime else f"looked up in {TABLE_NAME} at run time"
    message = f"POST {legacy.display_path} -> /v1{endpoint} (model {model_text})"
    if client is not None:
        message += f" through the openai SDK ({client.name}); the project now needs the openai package"
    if legacy.host_from_default:
        notes.append("the legacy URL came from a default value (an environment variable or a parameter); the new URL is written out, so overriding it no longer applies here")
    return site, "; ".join([message, *notes])


def _check_body_not_shared(ctx: RuleContext, http: HttpCall) -> None:
    """A body variable another request also sends cannot change shape under that request."""
    if not isinstance(http.body, cst.Name):
        return
    found = ctx.index.lookup(http.body.value, http.scope)
    if not found or found[0] != "value":
        return
    bodies = {id(other.body) for other in ctx.calls if other is not http and other.body is not None}
    tracker = Tracker(ctx.index, ctx.resolver, CHAT, SiteEdits())
    for load in tracker._loads_of(http.body.value, found[1]):  # type: ignore[arg-type]
        if load is not http.body and id(load) in bodies:
            other = next(o for o in ctx.calls if o.body is load)
            raise SiteError(
                f"the body {http.body.value!r} is also sent by another request ({code(other.call.func)}); "
                "give each request its own body, then rerun"
            )


MUTATORS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}
LOGGING = {"print", "debug", "info", "warning", "error", "exception", "critical", "log", "dumps", "pprint"}


def _check_body_not_changed(ctx: RuleContext, http: HttpCall, body: LegacyBody) -> None:
    """The body (and the dicts folded into it) must be sent as built: no later item assignment,
    ``.update()``..., and the body variable read nowhere but in logging."""
    names = list(body.consumed)
    if isinstance(http.body, cst.Name):
        found = ctx.index.lookup(http.body.value, http.scope)
        if found and found[0] == "value":
            names.append((http.body.value, found[1]))
    tracker = Tracker(ctx.index, ctx.resolver, CHAT, SiteEdits())
    for name, scope in names:
        for load in tracker._loads_of(name, scope):
            parent = ctx.index.parent(load)
            if _mutated(ctx, load, parent):
                raise BodyError(f"{name!r} is changed after it is built; build the new body by hand")
            if name == getattr(http.body, "value", None) and load is not http.body and not _in_logging(ctx, load):
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


# --- the model ----------------------------------------------------------------


def choose_model(ctx: RuleContext, legacy: LegacyUrl, scope: Scope) -> ModelChoice:
    parts = legacy.model or ()
    if len(parts) == 1 and isinstance(parts[0], str):
        return _known_model(ctx, parts[0])
    if len(parts) == 1 and isinstance(parts[0], Dyn):
        return _runtime_model(ctx, parts[0], scope)
    known = _model_from_instantiations(ctx, legacy)
    if known is not None:
        choice = _known_model(ctx, known)
        choice.notes.append("the model id comes from the base URL every instantiation in this file passes (or the default)")
        return choice
    raise SiteError(
        f"the model id in the URL comes from several pieces ({describe_parts(legacy.pieces)}); "
        "send the model name in the body of POST /v1/chat/completions by hand"
    )


def _model_from_instantiations(ctx: RuleContext, legacy: LegacyUrl) -> str | None:
    """A URL split over a class: ``self.base_url`` (an ``__init__`` parameter) + ``self.path()``.

    When every instantiation of the class in this file passes a base URL that
    resolves, and all name the same model, that model is the one.
    """
    pieces = legacy.pieces
    dyns = [p for p in pieces if isinstance(p, Dyn)]
    if len(dyns) != 1 or pieces[0] is not dyns[0]:
        return None
    values = instantiation_values(ctx.index, ctx.resolver, dyns[0])
    if not values:
        return None
    after = "".join(p for p in pieces[1:] if isinstance(p, str))
    models = set()
    for text in values:
        url = classify((text + after,))
        if url is None or url.kind != "predictions" or not url.model or len(url.model) != 1 or not isinstance(url.model[0], str):
            return None
        models.add(url.model[0])
    return models.pop() if len(models) == 1 else None


def _unresolved_predictions(ctx: RuleContext, http: HttpCall) -> bool:
    """A URL ``<unknown> + "/predictions"`` in a module that talks to the legacy host elsewhere."""
    parts = http.url_parts
    if not parts or not isinstance(parts[0], Dyn) or parts[0].default is not None or http.method != "POST":
        return False
    tail = parts[-1]
    if not (isinstance(tail, str) and tail.rstrip("/").endswith("/predictions")):
        return False
    return mapping.LEGACY_HOST in ctx.module.code and http.body is not None


def describe_parts(parts) -> str:
    """Each piece of a URL, as a human reads it: literal text or the expression (and its default)."""
    out = []
    for part in parts:
        if isinstance(part, Dyn):
            text = code(part.node)
            out.append(f"{text} (default {part.default!r})" if part.default is not None else text)
        else:
            out.append(repr(part))
    return " + ".join(out)


def _known_model(ctx: RuleContext, model_id: str) -> ModelChoice:
    found = ctx.model_map.resolve(model_id)
    if isinstance(found, UnknownModel):
        raise SiteError(f"unknown model id {model_id}{' (' + found.hint + ')' if found.hint else ''}; add it to [tool.ionos-migrate.models]")
    return ModelChoice(json.dumps(found.name), found, notes=_entry_notes(model_id, found))


def _entry_notes(model_id: str, entry: ModelEntry) -> list[str]:
    if entry.is_bundled:
        return [f"model {model_id} -> {entry.name} comes from the bundled map ({entry.confidence} confidence): confirm it"]
    if entry.source == "path":
        return []
    return [f"model {model_id} -> {entry.name} from {entry.source}"]


def _runtime_model(ctx: RuleContext, dyn: Dyn, scope: Scope) -> ModelChoice:
    if not portable(ctx, dyn, scope):
        raise SiteError(
            f"the model id ({code(dyn.node)}) is only known inside another function; pass it down or rewrite by hand"
        )
    entry = None
    notes = []
    if dyn.default is not None:
        found = ctx.model_map.resolve(dyn.default)
        if isinstance(found, UnknownModel):
            hint = f"; {found.hint}" if found.hint else ""
            raise SiteError(
                f"unknown model id {dyn.default} (the default of {code(dyn.node)}{hint}); add it to [tool.ionos-migrate.models]"
            )
        entry = found
        notes += _entry_notes(dyn.default, found)
    elif "b64decode" in ctx.module.code:
        raise SiteError(
            f"the model id ({code(dyn.node)}) is only known at run time and the code decodes base64: "
            "it may be an image model; rewrite for /v1/chat/completions or /v1/images/generations by hand"
        )
    sources = sorted({e.source for e in ctx.model_map.entries.values()})
    notes.append(
        f"the model id ({code(dyn.node)}) is known only at run time: it is looked up in {TABLE_NAME}, "
        f"generated from the model map ({', '.join(sources) or 'empty'}); ids missing there are sent as they are"
    )
    value = code(dyn.node)
    return ModelChoice(f"{TABLE_NAME}.get({value}, {value})", entry, runtime=True, notes=notes)


def portable(ctx: RuleContext, dyn: Dyn, scope: Scope) -> bool:
    """Whether ``dyn``'s expression means the same thing when written in ``scope``."""
    if isinstance(dyn.scope, cst.Module):
        return True
    if dyn.scope is scope:
        return True
    if isinstance(dyn.scope, cst.ClassDef):
        return ctx.index.enclosing_class(scope) is dyn.scope
    return False


def table_code(ctx: RuleContext) -> str:
    table = {e.legacy_id: e.name for e in ctx.model_map.entries.values() if mapping.is_uuid(e.legacy_id)}
    lines = ["# Legacy IONOS model id -> model name, generated by ionos-migrate from the model map.", f"{TABLE_NAME} = {{"]
    lines += [f"    {json.dumps(k)}: {json.dumps(v)}," for k, v in sorted(table.items())]
    lines.append("}")
    return "\n".join(lines) + "\n"


def is_image(model: ModelChoice, body: LegacyBody) -> bool:
    if model.entry is not None and model.entry.kind == "image":
        return True
    return any(key in mapping.IMAGE_OPTIONS for key, _ in body.options)


# --- bodies -------------------------------------------------------------------


def _model_field(ctx: RuleContext, site: SiteEdits, model: ModelChoice) -> str:
    if model.runtime:
        site.prelude[TABLE_NAME] = table_code(ctx)
    return model.code


def _sdk_client(ctx: RuleContext, site: SiteEdits, http: HttpCall) -> Client | None:
    """--target openai: the client the call goes through (planned in ``site``); None for --target http."""
    if ctx.context.target != "openai":
        return None
    awaited = isinstance(ctx.index.parent(http.call), cst.Await)
    try:
        check_call(http, awaited)
        return client_for(ctx, site, http, awaited)
    except SdkError as exc:
        raise SiteError(str(exc)) from None


def _chat(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, model: ModelChoice, client: Client | None):
    options = option_code(body, ctx.resolver)
    fields = [("model", _model_field(ctx, site, model)), ("messages", user_messages(code(body.input))), *options.fields]
    _emit(ctx, site, http, body, fields, "chat", client)
    return mapping.OPENAI_CHAT_PATH.removeprefix("/v1"), CHAT, options.notes


RAG_HELPER = "ionos_rag_messages"
RAG_LIBRARIES = ("requests", "httpx", "unknown")


def _rag(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, model: ModelChoice, client: Client | None):
    """Server-side RAG done in the code: query the still-live collection endpoint, then chat.

    The generated requests are the ones ``compat.translate`` builds (same query
    limit, same decoding and joining, same placeholder filling), so ``verify``
    sees identical traffic before and after.
    """
    if http.library not in RAG_LIBRARIES or http.forwarder is not None or body.helper is not None:
        raise SiteError("server-side RAG (collectionId) through this client: query /collections/{id}/query first, then chat (see docs/codemods.md)")
    anchor_statement = ctx.statement_of(body.anchor)
    call_statement = ctx.statement_of(http.call)
    for statement in (anchor_statement, call_statement):
        if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(ctx.index.parent(statement), (cst.IndentedBlock, cst.Module)):
            raise SiteError("server-side RAG (collectionId) in a compound expression; query the collection first, then chat, by hand")
    assert anchor_statement is not None
    options = option_code(body, ctx.resolver)
    model_code = _model_field(ctx, site, model)
    text = code(body.input)
    query = _rag_query(ctx, body, text)
    query_call = _collection_query_call(ctx, http, body, query)
    site.imports.add("base64")
    input_value = literal_value(body.input, body.scope, ctx.resolver)
    placeholders = (mapping.RAG_PLACEHOLDER_CONTEXT, mapping.RAG_PLACEHOLDER_QUERY)
    if isinstance(input_value, str) and not any(p in input_value for p in placeholders):
        messages = f'[{{"role": "system", "content": _ionos_context}}, {{"role": "user", "content": {text}}}]'
    else:
        site.prelude[RAG_HELPER] = _rag_helper_code()
        messages = f"{RAG_HELPER}({text}, {query}, _ionos_context)"
    # The collection query goes above the body, unless it needs names (headers...) assigned
    # between the body and the call: then it goes above the call and sets the messages there.
    late = _assigned_between(ctx, anchor_statement, call_statement, query_call)
    where = anchor_statement
    fields = [("model", model_code), ("messages", messages), *options.fields]
    if late:
        if not isinstance(http.body, cst.Name) or body.anchor is http.body:
            raise SiteError(f"server-side RAG: {', '.join(sorted(late))} is assigned after the body; move it above the body and rerun")
        where = call_statement
        fields = [f for f in fields if f[0] != "messages"]
    site.insert_before(where, f"_ionos_hits = {query_call}.json()\n")
    site.insert_before(
        where,
        "_ionos_context = " + json.dumps(mapping.RAG_CONTEXT_SEPARATOR) + ".join(\n"
        '    base64.b64decode(match["document"]["properties"]["content"]).decode("utf-8", "replace")\n'
        '    for match in _ionos_hits["properties"]["matches"]\n'
        ")\n",
    )
    if late:
        site.insert_before(where, f'{code(http.body)}["messages"] = {messages}\n')
    _emit(ctx, site, http, body, fields, "chat", client)
    notes = options.notes + [
        f"server-side RAG: the collection is queried first (limit {mapping.RAG_QUERY_LIMIT}) and its documents sent as context"
    ]
    return mapping.OPENAI_CHAT_PATH.removeprefix("/v1"), CHAT, notes


def _assigned_between(ctx: RuleContext, first: cst.CSTNode, last: cst.CSTNode, needed_code: str) -> set[str]:
    """Names the generated code uses that are assigned from ``first`` (inclusive) up to ``last`` (exclusive)."""
    if first is last:
        return set()
    try:
        needed = {n.value for n in _all_names(cst.parse_expression(needed_code))}
    except cst.ParserSyntaxError:
        return set()
    start, end = ctx.position(first)[0], ctx.position(last)[0]
    found = set()
    for node in ctx.index.walk(ctx.index.scope_of(last)):
        if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Name) and node.target.value in needed:
            line = ctx.position(node)[0]
            if start <= line < end:
                found.add(node.target.value)
    return found


def _all_names(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current
        stack.extend(current.children)


def _rag_query(ctx: RuleContext, body: LegacyBody, text: str) -> str:
    """``collectionQuery or input``, as compat does."""
    if body.collection_query is None:
        return text
    query = code(body.collection_query)
    value = literal_text(ctx.resolver.parts(body.collection_query, body.scope))
    if query == text or value == "":
        return text
    if value is not None:
        return query
    return f"({query} or {text})"


def _collection_query_call(ctx: RuleContext, http: HttpCall, body: LegacyBody, query: str) -> str:
    assert body.collection_id is not None
    node = body.collection_id
    base = mapping.LEGACY_BASE_URL
    if string_value(node) is not None:
        url = json.dumps(base + mapping.LEGACY_COLLECTION_QUERY_PATH.format(collection_id=string_value(node)))
    elif isinstance(node, (cst.Name, cst.Attribute)) and literal_text(ctx.resolver.parts(node, body.scope)) is not None:
        url = "f" + json.dumps(base + mapping.LEGACY_COLLECTION_QUERY_PATH.format(collection_id="{" + code(node) + "}"))
    else:
        before, after = mapping.LEGACY_COLLECTION_QUERY_PATH.split("{collection_id}")
        url = f"{json.dumps(base + before)} + str({code(body.collection_id)}) + {json.dumps(after)}"
    args = []
    func = code(http.call.func)
    if isinstance(http.call.func, cst.Attribute) and http.call.func.attr.value == "request":
        args.append('"POST"')
    args.append(url)
    args.append(f'json={{"query": {query}, "limit": {mapping.RAG_QUERY_LIMIT}}}')
    for arg in http.call.args:
        if arg.keyword is not None and arg.keyword.value not in ("json", "data", "content", "url", "method"):
            args.append(f"{arg.keyword.value}={code(arg.value)}")
        elif arg.star == "**":
            args.append(f"**{code(arg.value)}")
    call = f"{func}({', '.join(args)})"
    if isinstance(ctx.index.parent(http.call), cst.Await):
        call = f"(await {call})"
    return call


def _rag_helper_code() -> str:
    context, query = json.dumps(mapping.RAG_PLACEHOLDER_CONTEXT), json.dumps(mapping.RAG_PLACEHOLDER_QUERY)
    return (
        f"def {RAG_HELPER}(text, query, context):\n"
        '    """The legacy server-side RAG prompt (ionos-migrate): fill the placeholders, else a system message."""\n'
        f"    if {context} in text or {query} in text:\n"
        f'        return [{{"role": "user", "content": text.replace({context}, context).replace({query}, query)}}]\n'
        '    return [{"role": "system", "content": context}, {"role": "user", "content": text}]\n'
    )


def _image(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, model: ModelChoice, client: Client | None):
    size_node = body.option("size")
    size = None
    if size_node is not None:
        value = literal_value(size_node, body.scope, ctx.resolver)
        size = mapping.normalise_image_size(str(value)) if is_literal(value) else None
        if size is None:
            raise SiteError(f'the image size ({code(size_node)}) is not a literal like "1024x1024"; set "size" by hand')
    fields = [("model", _model_field(ctx, site, model)), ("prompt", code(body.input)), ("n", py_literal(mapping.IMAGE_N))]
    if size is not None:
        fields.append(("size", py_literal(size)))
    fields.append(("response_format", py_literal(mapping.IMAGE_RESPONSE_FORMAT)))
    _emit(ctx, site, http, body, fields, "image", client)
    dropped = [key for key, _ in body.options if key not in mapping.IMAGE_OPTIONS]
    notes = [f"image options {', '.join(dropped)} are not sent to /v1/images/generations"] if dropped else []
    return mapping.OPENAI_IMAGES_PATH.removeprefix("/v1"), IMAGE, notes


def _emit(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, fields, kind: str, client: Client | None) -> None:
    """Write the new body where the old one was written, and (--target openai) the SDK call."""
    model_field = fields[:1]
    if body.helper is not None:
        callers = list(Tracker(ctx.index, ctx.resolver, CHAT, site).callers(body.helper))
        if len(callers) != 1:
            raise SiteError(f"{body.helper.name.value}() builds the body and is called from {len(callers)} places; rewrite them together by hand")
    assert http.body is not None
    if client is None:
        if body.helper is None:
            site.set(body.anchor, cst.parse_expression(dict_code(fields, body.anchor)))
        else:
            site.set(body.anchor, cst.parse_expression(dict_code(fields[1:], body.anchor)))
            site.set(http.body, cst.parse_expression(f'{{"model": {model_field[0][1]}, **{code(http.body)}}}'))
        return
    if body.helper is not None:
        site.set(body.anchor, cst.parse_expression(dict_code(body_dict_fields(fields[1:]), body.anchor)))
        call = call_code(client, kind, model_field, http, spread=code(http.body))
    elif body.anchor is http.body:
        call = call_code(client, kind, fields, http, spread=None)
    else:
        site.set(body.anchor, cst.parse_expression(dict_code(body_dict_fields(fields), body.anchor)))
        call = call_code(client, kind, [], http, spread=code(http.body))
    site.set(http.call, cst.parse_expression(call))


def _remove_inlined(ctx: RuleContext, site: SiteEdits, body: LegacyBody) -> None:
    """Drop ``options = {...}`` / ``properties = {...}`` that were inlined into the new body and are used nowhere else."""
    tracker = Tracker(ctx.index, ctx.resolver, CHAT, site)
    removed = []
    for name, scope in body.consumed:
        loads = list(tracker._loads_of(name, scope))
        if len(loads) != 1:
            continue
        statement = _assignment_statement(ctx, name, scope)
        if statement is not None:
            site.remove(statement)
            removed.append(statement)
    carried: list = []
    for statement in removed:  # their comments move down to the next statement that stays
        carried += [line for line in statement.leading_lines if line.comment is not None]
        block = ctx.index.parent(statement)
        siblings = list(getattr(block, "body", ()))
        following = [s for s in siblings[siblings.index(statement) + 1 :] if s not in removed]
        if carried and following:
            site.prepend_lines(following[0], carried)
            carried = []


def _assignment_statement(ctx: RuleContext, name: str, scope: Scope) -> cst.SimpleStatementLine | None:
    block = scope.body if not isinstance(scope, cst.Module) else scope
    statements = block.body if hasattr(block, "body") else []
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and small.targets[0].target.value == name
                and isinstance(small.value, cst.Dict)
            ):
                return statement
    return None


def _url_literal(original: cst.BaseExpression, url: str) -> cst.BaseExpression:
    quote = "'" if isinstance(original, cst.SimpleString) and original.value.startswith("'") else '"'
    return cst.SimpleString(f"{quote}{url}{quote}")


# --- the answer ----------------------------------------------------------------


def follow_answer(ctx: RuleContext, http: HttpCall, tracker: Tracker) -> None:
    if http.library == "urllib":
        for opened in _urlopen_calls(ctx, http):
            tracker.follow(opened, "response")
        return
    if http.forwarder is not None:
        kind = _helper_returns(ctx, http)
        if kind is not None:
            parent = ctx.index.parent(http.call)
            tracker.follow(parent if isinstance(parent, cst.Await) else http.call, kind)  # type: ignore[arg-type]
        return
    tracker.follow(http.call, "response")


def _helper_returns(ctx: RuleContext, http: HttpCall):
    """What a forwarding helper returns of the answer: "response", "json" or None (nothing)."""
    inner = ctx.resolver and _inner_call(ctx, http)
    probe = Tracker(ctx.index, ctx.resolver, CHAT, SiteEdits(), probe=True)
    try:
        probe.follow(inner, "response")
    except ReadError as exc:
        raise ReadError(f"{http.forwarder.name.value}(): {exc}") from None  # type: ignore[union-attr]
    if len(probe.returned) > 1:
        raise ReadError(f"{http.forwarder.name.value}() returns the answer in more than one way")
    return next(iter(probe.returned), None)


def _inner_call(ctx: RuleContext, http: HttpCall) -> cst.Call:
    from ..sites import CallFinder

    signature = CallFinder(ctx.index, ctx.resolver).forwarder(http.forwarder)  # type: ignore[arg-type]
    return signature[4]


def _urlopen_calls(ctx: RuleContext, http: HttpCall) -> list[cst.Call]:
    """``urlopen(req)`` for the ``Request`` of this site (directly or through a variable)."""
    parent = ctx.index.parent(http.call)
    if isinstance(parent, cst.Arg):
        opener = ctx.index.parent(parent)
        if isinstance(opener, cst.Call) and (dotted_name(opener.func) or "").endswith("urlopen"):
            return [opener]
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        name = parent.targets[0].target.value
        tracker = Tracker(ctx.index, ctx.resolver, CHAT, SiteEdits())
        found = []
        for load in tracker._loads_of(name, http.scope):
            arg = ctx.index.parent(load)
            opener = ctx.index.parent(arg) if isinstance(arg, cst.Arg) else None
            if isinstance(opener, cst.Call) and (dotted_name(opener.func) or "").endswith("urlopen"):
                found.append(opener)
            else:
                raise ReadError(f"the request object {name!r} is used other than in urlopen()")
        if found:
            return found
    raise ReadError("the urllib request is not opened with urlopen() in the same function")


RULE = Rule(RULE_ID, run, order=10)
