"""``--target openai``: what the legacy code did with an error answer, done the same through the SDK.

Without ``raise_for_status()`` or a status check, the legacy code read the
error answer (``{"httpStatus": 401, "messages": [...]}``) as if it were a
prediction. Two outcomes, decided per read from how it is written:

- a read that cannot find its key raised (``r.json()["properties"]`` is a
  ``KeyError``): the program stopped with an exception, and through the SDK it
  stops with ``openai.APIStatusError`` at the call. Same path, another
  exception class: the finding says so, and a handler that catches the
  ``KeyError`` (``except KeyError``, ``LookupError``...) but not the SDK's error
  keeps the site manual;
- a ``.get(key, default)`` chain gave its default: ``.get("properties", {})
  .get("output", "fallback")`` is ``"fallback"`` for an error answer, without an
  exception (and so without reaching an ``except Exception`` around it). The
  rewrite catches ``openai.APIStatusError`` right at the call and gives the
  statement that read the answer that same default::

      try:
          r = ionos_client.chat.completions.create(...)
      except openai.APIStatusError:
          return "fallback"
      return r.choices[0].message.content or "fallback"

  when that statement (a ``return``, an assignment or an expression) follows
  the call, with nothing but names bound to the answer in between; else manual.
"""

from __future__ import annotations

import libcst as cst

from .body import code
from .core import RuleContext, SiteError
from .edits import MARKER, SiteEdits
from .response import Segment, Tracker
from .sites import HttpCall
from .status import STATUS_ERROR, full_name

ERROR_KEYS = {"httpStatus", "messages"}  # the keys of a legacy error answer
KEY_ERRORS = {"KeyError", "LookupError", "IndexError", "TypeError", "AttributeError"}  # what a missing key raised
RAISES = object()


def error_answer(ctx: RuleContext, site: SiteEdits, http: HttpCall, tracker: Tracker) -> list[str]:
    """Keep what the legacy code did with an error answer; the notes for the finding (or SiteError)."""
    check = tracker.status_plan
    if check is not None and check.read_after:
        return _after_the_check(ctx, tracker, check)
    if tracker.status_handled or _helper_checks_status(ctx, http) or not tracker.chains:
        return []
    outcomes = [(root, segments, _error_value(segments)) for root, segments in tracker.chains]
    valued = [item for item in outcomes if item[2] is not RAISES]
    if not valued:
        for root, _segments, _value in outcomes:
            _refuse_key_handlers(ctx, root, http)
        return ["an error answer made the legacy code raise (a KeyError reading the answer); through the SDK the call "
                "raises openai.APIStatusError (openai.AuthenticationError for a 401) instead"]
    if len(outcomes) != 1:
        raise SiteError("the answer is read in several places and an error answer gives one of them a default; "
                        "handle openai.APIStatusError by hand, or use --target http")
    root, segments, default = valued[0]
    _default_on_error(ctx, site, http, segments[-1].node, default)
    return [f"an error answer gave {code(default)} here (a .get() default); the rewrite catches "
            "openai.APIStatusError at the call and gives the same"]


def _after_the_check(ctx: RuleContext, tracker: Tracker, check) -> list[str]:
    """``if r.status_code != 200: log(...)`` that does not leave, then the answer read below it: on an error
    the legacy code read the error answer there. The except block goes on as that read did."""
    def inside(node: cst.CSTNode) -> bool:
        return any(parent is check.check for parent in ctx.index.ancestors(node))

    after = [(root, segments) for root, segments in tracker.chains if not inside(root)]
    refuse = ("the response is read after its status check also when the request failed, in a way the tool cannot "
              "repeat for an error; with the openai SDK there is no response then: rewrite by hand or use --target http")
    if len(after) != 1:
        raise SiteError(refuse)
    root, segments = after[0]
    value = _error_value(segments)
    if value is RAISES:
        _refuse_key_handlers(ctx, root, None)
        check.on_error.append(cst.parse_statement("raise\n"))
        return ["after its status check the legacy code read the error answer and raised (a KeyError); the except "
                "block re-raises the openai.APIStatusError instead"]
    reading = ctx.statement_of(segments[-1].node)
    block = ctx.index.parent(check.check)
    if not (isinstance(reading, cst.SimpleStatementLine) and len(reading.body) == 1 and isinstance(reading.body[0], cst.Return)
            and ctx.index.parent(reading) is block):
        raise SiteError(refuse)
    statements = list(block.body)  # type: ignore[attr-defined]
    for statement in statements[statements.index(check.check) + 1 : statements.index(reading)]:
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and _answer_only(small.value)):
            raise SiteError(refuse)
    on_error = reading.deep_replace(segments[-1].node, value.deep_clone())
    check.on_error.append(on_error.with_changes(leading_lines=[], trailing_whitespace=cst.TrailingWhitespace()))  # type: ignore[union-attr]
    return [f"after its status check the legacy code read {code(value)} from the error answer (a .get() default); "
            "the except block returns the same"]


def _helper_checks_status(ctx: RuleContext, http: HttpCall) -> bool:
    """A forwarding helper that calls raise_for_status(): the error never reached the caller's reads."""
    helper = http.forwarder
    return helper is not None and "raise_for_status" in ctx.module.code_for_node(helper)


def _error_value(segments: list[Segment]):
    """What the chain of reads gave on a legacy error answer: a default expression, or RAISES."""
    value = None  # None: still the error answer itself
    for segment in segments:
        if value is None:
            if segment.key in ERROR_KEYS or segment.style != "get" or segment.default is None:
                return RAISES
            value = segment.default
            continue
        if not (isinstance(value, cst.Dict) and not value.elements) or segment.style != "get" or segment.default is None:
            return RAISES  # {}["x"] is a KeyError; "".get(...) an AttributeError
        value = segment.default
    return RAISES if value is None else value


def _refuse_key_handlers(ctx: RuleContext, node: cst.CSTNode, http: HttpCall | None) -> None:
    """``except KeyError`` around a read: the legacy code turned the error answer into a value there."""
    for around in (node, http.call) if http is not None else (node,):
        for parent in ctx.index.ancestors(around):
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                break
            if not isinstance(parent, cst.Try):
                continue
            for handler in parent.handlers:
                if handler.type is None:
                    continue
                elements = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
                names = {full_name(ctx.index, element).split(".")[-1] for element in elements}
                if names & KEY_ERRORS and not names & {"Exception", "BaseException", "APIError", "APIStatusError"}:
                    raise SiteError(
                        f"`except {code(handler.type)}` turned an error answer into a value (a missing key); through the "
                        "SDK an error answer raises openai.APIStatusError: handle it by hand, or use --target http"
                    )


def _default_on_error(ctx: RuleContext, site: SiteEdits, http: HttpCall, chain: cst.CSTNode, default: cst.BaseExpression) -> None:
    """Wrap the call in try / except openai.APIStatusError, the except giving the reading statement the default."""
    if http.library not in ("requests", "httpx") or http.forwarder is not None:
        raise SiteError("an error answer gives a .get() default here, which the tool keeps only for requests and httpx "
                        "calls; handle openai.APIStatusError by hand, or use --target http")
    call_statement = ctx.statement_of(http.call)
    reading = ctx.statement_of(chain)
    if not isinstance(reading, cst.SimpleStatementLine) or len(reading.body) != 1 or not isinstance(
        reading.body[0], (cst.Return, cst.Assign, cst.Expr)
    ):
        raise SiteError("an error answer gives a .get() default here, read in a statement the tool cannot repeat with "
                        "it; handle openai.APIStatusError by hand")
    between = _between(ctx, call_statement, reading)
    if reading in site.after or call_statement in site.after:
        raise SiteError("code is inserted after the call; handle openai.APIStatusError by hand")
    on_error = reading.deep_replace(chain, default.deep_clone())
    on_error = on_error.with_changes(leading_lines=[], trailing_whitespace=cst.TrailingWhitespace())  # type: ignore[union-attr]
    held: dict[int, cst.CSTNode] = {}
    statements = [call_statement] if call_statement is reading else [call_statement, *between]
    for number, statement in enumerate(statements):
        _hold(site, statement, held, number)
    above = site.before.pop(call_statement, [])
    if above and call_statement is not reading:
        site.before[reading] = above + site.before.get(reading, [])
    elif above:
        site.before[call_statement] = above
    leaves = isinstance(reading.body[0], cst.Return)
    earlier = site.replace.get(reading)

    def make_try(updated: cst.CSTNode) -> cst.CSTNode:
        if earlier is not None:
            updated = earlier(updated)
        if call_statement is reading:
            tried, kept = [updated], []
        else:
            tried, kept = [held[0]], [held[n] for n in range(1, len(statements))] + [updated]
        kept = [s.with_changes(leading_lines=[]) for s in kept]
        first = tried[0]
        handler = cst.ExceptHandler(body=cst.IndentedBlock([on_error]), type=cst.parse_expression(STATUS_ERROR))
        attempt = cst.Try(
            body=cst.IndentedBlock([first.with_changes(leading_lines=[])]),
            handlers=[handler],
            orelse=None if leaves or not kept else cst.Else(cst.IndentedBlock(kept)),
            leading_lines=[line for line in first.leading_lines if not (line.comment and line.comment.value.startswith(MARKER))],
        )
        return cst.FlattenSentinel([attempt, *kept]) if leaves and kept else attempt

    site.with_(reading, make_try)
    site.imports.add("openai")


def _between(ctx: RuleContext, call_statement, reading) -> list:
    """The statements between the call and the read: only names bound to the answer (``data = r.json()``)."""
    if call_statement is reading:
        return []
    block = ctx.index.parent(call_statement)
    if block is not ctx.index.parent(reading) or not isinstance(block, cst.IndentedBlock):
        raise SiteError("an error answer gives a .get() default in a statement away from the call; handle "
                        "openai.APIStatusError by hand, or use --target http")
    statements = list(block.body)
    start, end = statements.index(call_statement), statements.index(reading)
    between = statements[start + 1 : end]
    for statement in between:
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
                and _answer_only(small.value)):
            raise SiteError("something happens between the call and the read that gives an error answer a .get() "
                            "default; handle openai.APIStatusError by hand, or use --target http")
    return between


def _answer_only(value: cst.BaseExpression) -> bool:
    """``r``, ``r.json()``, ``await r.json()``: a name for the answer, nothing done."""
    if isinstance(value, cst.Await):
        value = value.expression
    if isinstance(value, cst.Call) and not value.args and isinstance(value.func, cst.Attribute) and value.func.attr.value == "json":
        value = value.func.value
    return isinstance(value, cst.Name)


def _hold(site: SiteEdits, statement: cst.CSTNode, held: dict, number: int) -> None:
    """Take the statement out (after its own edits); the try puts it back."""
    earlier = site.replace.get(statement)

    def take(updated: cst.CSTNode):
        if earlier is not None:
            updated = earlier(updated)
        held[number] = updated
        return cst.RemoveFromParent()

    site.with_(statement, take)
