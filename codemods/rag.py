"""Server-side RAG done client-side, generating exactly the requests ``compat.translate`` makes."""

from __future__ import annotations

import json

import libcst as cst
from ionos_migrate.compat import rules as mapping

from .body import (
    LegacyBody,
    code,
    literal_value,
    option_code,
)
from .core import RuleContext, SiteError
from .edits import SiteEdits
from .model_choice import ModelChoice, model_field
from .resolve import literal_text, names_in, string_value
from .response import CHAT
from .sdk import Client
from .sites import HttpCall
from .writer import write_body

RAG_HELPER = "ionos_rag_messages"
COLLECTION_GUARD = "ionos_collection_id"


RAG_LIBRARIES = ("requests", "httpx", "aiohttp", "unknown")


def rag_body(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, model: ModelChoice, client: Client | None):
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
        if not isinstance(statement, (cst.SimpleStatementLine, cst.With)) or not isinstance(ctx.index.parent(statement), (cst.IndentedBlock, cst.Module)):
            raise SiteError("server-side RAG (collectionId) in a compound expression; query the collection first, then chat, by hand")
    assert anchor_statement is not None
    options = option_code(body, ctx.resolver)
    model_code = model_field(ctx, site, model)
    text = code(body.input)
    query = _rag_query(ctx, body, text)
    query_call = _collection_query_call(ctx, site, http, body, query)
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
    if http.library == "aiohttp":  # the session's answers are read inside their own async with
        site.insert_before(where, f"async with {query_call} as _ionos_answer:\n    _ionos_hits = await _ionos_answer.json()\n")
    else:
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
    write_body(ctx, site, http, body, fields, "chat", client)
    notes = options.notes + [
        f"server-side RAG: the collection is queried first (limit {mapping.RAG_QUERY_LIMIT}) and its documents sent as context"
    ]
    return mapping.OPENAI_CHAT_PATH.removeprefix("/v1"), CHAT, notes


def _assigned_between(ctx: RuleContext, first: cst.CSTNode, last: cst.CSTNode, needed_code: str) -> set[str]:
    """Names the generated code uses that are assigned from ``first`` (inclusive) up to ``last`` (exclusive)."""
    if first is last:
        return set()
    try:
        needed = {n.value for n in names_in(cst.parse_expression(needed_code))}
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


def _collection_query_call(ctx: RuleContext, site: SiteEdits, http: HttpCall, body: LegacyBody, query: str) -> str:
    """The query of the still-live collections API. The id goes into the URL path (the legacy server had it
    in the body), so it is checked with compat's one rule: a literal now, a run-time value by a generated guard."""
    assert body.collection_id is not None
    node = body.collection_id
    base = mapping.LEGACY_BASE_URL
    known = literal_text(ctx.resolver.parts(node, body.scope))
    if known is not None:
        problem = mapping.collection_id_problem(known)
        if problem:
            raise SiteError(f"the collectionId {problem}; fix it, then rerun")
    if string_value(node) is not None:
        url = json.dumps(base + mapping.LEGACY_COLLECTION_QUERY_PATH.format(collection_id=string_value(node)))
    elif isinstance(node, (cst.Name, cst.Attribute)) and known is not None:
        url = "f" + json.dumps(base + mapping.LEGACY_COLLECTION_QUERY_PATH.format(collection_id="{" + code(node) + "}"))
    else:
        site.prelude[COLLECTION_GUARD] = _collection_guard_code()
        site.imports.add("re")
        before, after = mapping.LEGACY_COLLECTION_QUERY_PATH.split("{collection_id}")
        url = f"{json.dumps(base + before)} + {COLLECTION_GUARD}({code(body.collection_id)}) + {json.dumps(after)}"
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


def _collection_guard_code() -> str:
    return (
        f"def {COLLECTION_GUARD}(value):\n"
        '    """A collection id that keeps the URL path intact (ionos-migrate).\n'
        "\n"
        '    No dot segment, "/" or control character.\n'
        '    """\n'
        "    value = str(value)\n"
        f'    if re.search(r"{mapping.UNSAFE_COLLECTION_ID_RE.pattern}", value):\n'
        '        raise ValueError(f"not a collection id: {value!r}")\n'
        "    return value\n"
    )


def _rag_helper_code() -> str:
    context, query = json.dumps(mapping.RAG_PLACEHOLDER_CONTEXT), json.dumps(mapping.RAG_PLACEHOLDER_QUERY)
    return (  # fits 88 columns; for a shorter line length the layout pass splits it further
        f"def {RAG_HELPER}(text, query, context):\n"
        '    """The legacy server-side RAG prompt (ionos-migrate).\n'
        "\n"
        "    The placeholders filled in, else the context as a system message.\n"
        '    """\n'
        f"    if {context} in text or {query} in text:\n"
        f"        text = text.replace({context}, context)\n"
        f"        text = text.replace({query}, query)\n"
        '        return [{"role": "user", "content": text}]\n'
        '    return [{"role": "system", "content": context}, {"role": "user", "content": text}]\n'
    )
