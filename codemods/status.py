"""``--target openai``: status handling around an SDK call becomes the SDK's exceptions.

The SDK raises ``openai.APIStatusError`` for an answer that is not 2xx and
``openai.APIConnectionError`` (``APITimeoutError``) when no answer comes; all
derive from ``openai.APIError``. So, faithfully:

- ``r = post(...)`` directly followed by ``if r.status_code == 200: A else: B``
  (or ``!= 200``, ``r.ok``, ``not r.ok``) becomes
  ``try: r = create(...)`` / ``except openai.APIStatusError as error: B`` / ``else: A``,
  with ``r.status_code`` in B read as ``error.status_code``;
- ``except requests.RequestException`` (``httpx.HTTPError``, ``aiohttp.ClientError``)
  around the call also catches ``openai.APIError``.

Anything else is manual: B reading more of the response than its status (the
SDK gives no response object there), the response read after the check when B
does not leave the block (it would be unbound), an ``elif``, other exception
classes of the HTTP library or ``OSError`` (the SDK's errors are not theirs),
and a handler that reads attributes of the exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .body import code
from .edits import SiteEdits, without_markers
from .resolve import ModuleIndex, dotted_name

STATUS_ERROR = "openai.APIStatusError"
ANY_ERROR = "openai.APIError"
ERROR_NAMES = ("error", "api_error", "ionos_error")
# The base exception of each HTTP library: a handler for it also gets openai.APIError.
LIBRARY_BASES = {"requests.RequestException", "requests.exceptions.RequestException", "httpx.HTTPError", "aiohttp.ClientError"}
LIBRARIES = ("requests", "httpx", "aiohttp", "urllib")
# Builtins the HTTP libraries' errors derive from, and the SDK's do not.
OS_ERRORS = {"OSError", "IOError", "EnvironmentError", "ConnectionError", "TimeoutError", "socket.timeout", "asyncio.TimeoutError"}


class StatusError(Exception):
    """The status handling cannot become the SDK's exceptions faithfully; the message says why."""


# What the failure branch may read of the response, and where the SDK's error has it (an httpx response).
ERROR_READS = {"status_code": "status_code", "text": "response.text", "content": "response.content",
               "headers": "response.headers", "reason": "response.reason_phrase", "json": "response.json"}


@dataclass
class _Plan:
    check: cst.If
    error_reads: dict = field(default_factory=dict)  # ``r.status_code`` / ``r.text`` in the failure branch -> on the error
    read_after: list = field(default_factory=list)  # reads of the response after the check, reached on an error too
    on_error: list = field(default_factory=list)  # statements the except block ends with (codemods/error_path.py)


class StatusChecks:
    """The status check that follows one response (``r = post(...)``) at one site."""

    def __init__(self, index: ModuleIndex, edits: SiteEdits):
        self.index = index
        self.edits = edits
        self.plan: _Plan | None = None

    def covers(self, attribute: cst.Attribute) -> bool:
        """A read of the response in the failure branch, which the except block reads from the error."""
        return self.plan is not None and attribute in self.plan.error_reads

    def handle(self, attribute: cst.Attribute, response_value: cst.BaseExpression | None) -> None:
        """``r.status_code`` / ``r.ok``: part of a check that moves to try/except, or StatusError."""
        if self.plan is None:
            self.plan = self._plan(attribute, response_value)
        if attribute in self.plan.error_reads or self._inside(attribute, self.plan.check.test):
            return
        raise StatusError(
            f"the response's .{attribute.attr.value} is read where the openai SDK has no response status; "
            "handle openai.APIStatusError by hand, or use --target http"
        )

    def _plan(self, attribute: cst.Attribute, response_value) -> _Plan:
        response = attribute.value
        if not isinstance(response, cst.Name) or response_value is None:
            raise StatusError(f"the response's .{attribute.attr.value} is used; handle openai.APIStatusError by hand, or use --target http")
        name = response.value
        check = self._enclosing_check(attribute)
        statement = self._statement_before(check)
        if not _assigns(statement, name, response_value):
            raise StatusError(
                f"the response's .{attribute.attr.value} is checked, but not right after the call; "
                "put the check directly below the call, or handle openai.APIStatusError by hand"
            )
        success = _success_test(check.test, name)
        if check.orelse is not None and not isinstance(check.orelse, cst.Else):
            raise StatusError("the status check has an elif; handle openai.APIStatusError by hand")
        if any(line.comment is not None for line in check.leading_lines):
            raise StatusError("a comment sits between the call and its status check; handle openai.APIStatusError by hand")
        otherwise = check.orelse.body if check.orelse is not None else None
        ok_block, error_block = (check.body, otherwise) if success else (otherwise, check.body)
        plan = _Plan(check)
        scope = self.index.scope_of(attribute)
        for load in self.index.loads_of(name, scope):
            if self._inside(load, statement) or self._inside(load, check.test):
                continue
            if error_block is not None and self._inside(load, error_block):
                read = self.index.parent(load)
                if not (isinstance(read, cst.Attribute) and read.value is load and read.attr.value in ERROR_READS):
                    raise StatusError(
                        f"the failure branch reads {code(read)} of the response; the openai SDK gives only the error there "
                        "(openai.APIStatusError: .status_code, .response); rewrite by hand or use --target http"
                    )
                plan.error_reads[read] = ERROR_READS[read.attr.value]
            elif not (ok_block is not None and self._inside(load, ok_block)) and not _leaves(error_block):
                plan.read_after.append(load)  # allowed only when error_path.py can give it what an error answer gave
        error = self._error_name(scope) if plan.error_reads else None
        for read, where in plan.error_reads.items():
            self.edits.set(read, cst.parse_expression(f"{error}.{where}"))
        self._move_inserts(statement, check)
        self._write_try(statement, check, success, error, plan)
        self.edits.imports.add("openai")
        return plan

    def _enclosing_check(self, attribute: cst.Attribute) -> cst.If:
        node: cst.CSTNode = attribute
        for parent in self.index.ancestors(attribute):
            if isinstance(parent, cst.If) and parent.test is node:
                return parent
            if isinstance(parent, (cst.BaseSuite, cst.BaseStatement)):
                break
            node = parent
        raise StatusError(
            f"the response's .{attribute.attr.value} is used outside an `if` status check; "
            "handle openai.APIStatusError by hand, or use --target http"
        )

    def _statement_before(self, check: cst.If) -> cst.CSTNode | None:
        block = self.index.parent(check)
        siblings = list(getattr(block, "body", ()))
        position = siblings.index(check)
        return siblings[position - 1] if position > 0 else None

    def _inside(self, node: cst.CSTNode, container: cst.CSTNode | None) -> bool:
        if container is None:
            return False
        return node is container or any(parent is container for parent in self.index.ancestors(node))

    def _error_name(self, scope: cst.CSTNode) -> str:
        used = {node.value for node in self.index.walk(scope) if isinstance(node, cst.Name)}
        for name in ERROR_NAMES:
            if name not in used:
                return name
        raise StatusError("no free name for the openai.APIStatusError in this function; handle it by hand")

    def _move_inserts(self, statement: cst.CSTNode, check: cst.If) -> None:
        """Code planned above the call (client, RAG query) goes above the new try."""
        if statement in self.edits.after:
            raise StatusError("code is inserted between the call and its status check; handle openai.APIStatusError by hand")
        above = self.edits.before.pop(statement, [])
        if above:
            self.edits.before[check] = above + self.edits.before.get(check, [])

    def _write_try(self, statement: cst.CSTNode, check: cst.If, success: bool, error: str | None, plan: _Plan) -> None:
        """The call statement goes away; the check becomes try (the call) / except (failure) / else (success)."""
        held: dict[str, cst.CSTNode] = {}

        def take_call(updated: cst.CSTNode):
            held["call"] = updated  # the call statement is left before the check, so it is ready here
            return cst.RemoveFromParent()

        def make_try(updated: cst.CSTNode) -> cst.CSTNode:
            call = held["call"]
            otherwise = updated.orelse.body if updated.orelse is not None else None  # type: ignore[attr-defined]
            ok_block, error_block = (updated.body, otherwise) if success else (otherwise, updated.body)  # type: ignore[attr-defined]
            body = error_block or cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])])
            if plan.on_error:  # after the failure branch: what the reads after the check gave an error answer
                if isinstance(error_block, cst.SimpleStatementSuite):
                    error_block = cst.IndentedBlock([cst.SimpleStatementLine(error_block.body)])
                body = cst.IndentedBlock([*(error_block.body if error_block is not None else ()), *plan.on_error])
            handler = cst.ExceptHandler(
                body=body,
                type=cst.parse_expression(STATUS_ERROR),
                name=cst.AsName(cst.Name(error)) if error else None,
            )
            return cst.Try(
                body=cst.IndentedBlock([call.with_changes(leading_lines=[])]),  # type: ignore[attr-defined]
                handlers=[handler],
                orelse=cst.Else(ok_block) if ok_block is not None else None,
                leading_lines=_without_markers(call.leading_lines),  # type: ignore[attr-defined]
            )

        self.edits.with_(statement, take_call)
        self.edits.with_(check, make_try)


def _without_markers(lines) -> list:
    """The call's comments move onto the try, without the ``# ionos-migrate:`` marker of an earlier run."""
    return without_markers(lines)


def _assigns(statement: cst.CSTNode | None, name: str, value: cst.BaseExpression) -> bool:
    """``name = value`` as the whole statement."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    return (
        isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
        and small.targets[0].target.value == name and small.value is value
    )


def _success_test(test: cst.BaseExpression, name: str) -> bool:
    """True for ``r.status_code == 200`` / ``r.ok``, False for ``!= 200`` / ``not r.ok``; anything else is StatusError."""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        left, right = test.left, target.comparator
        if _is_read(right, name, "status_code"):
            left, right = right, left
        if _is_read(left, name, "status_code") and isinstance(right, cst.Integer) and right.value == "200":
            if isinstance(target.operator, cst.Equal):
                return True
            if isinstance(target.operator, cst.NotEqual):
                return False
    if _is_read(test, name, "ok"):
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and _is_read(test.expression, name, "ok"):
        return False
    raise StatusError(
        f"the status check ({code(test)}) is not `{name}.status_code == 200`, `!= 200` or `{name}.ok`; "
        "handle openai.APIStatusError by hand, or use --target http"
    )


def _is_read(node: cst.BaseExpression, name: str, attribute: str) -> bool:
    return (
        isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == name
        and node.attr.value == attribute and not node.lpar
    )


def _leaves(block: cst.BaseSuite | None) -> bool:
    """The block always ends in raise/return/continue/break, so nothing after it runs."""
    if not isinstance(block, cst.IndentedBlock) or not block.body:
        return False
    last = block.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Raise, cst.Return, cst.Continue, cst.Break))


def widen_handlers(index: ModuleIndex, edits: SiteEdits, call: cst.Call) -> None:
    """``except requests.RequestException`` around the call also catches ``openai.APIError``; other
    handlers the SDK's errors would slip past are StatusError."""
    node: cst.CSTNode = call
    for parent in index.ancestors(call):
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return
        if isinstance(parent, cst.Try) and node is parent.body:
            for handler in parent.handlers:
                _widen(index, edits, handler)
        node = parent


def _widen(index: ModuleIndex, edits: SiteEdits, handler: cst.ExceptHandler) -> None:
    if handler.type is None:
        return
    elements = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = [full_name(index, element) for element in elements]
    if ANY_ERROR in names:
        return
    for name in names:
        if name in OS_ERRORS or (name.split(".")[0] in LIBRARIES and name not in LIBRARY_BASES):
            raise StatusError(
                f"`except {code(handler.type)}` around the call: the openai SDK raises openai.APIError "
                "(APIStatusError, APIConnectionError) instead; rewrite the handler by hand or use --target http"
            )
    if not any(name in LIBRARY_BASES for name in names):
        return
    if handler.name is not None and isinstance(handler.name.name, cst.Name):
        bound = handler.name.name.value
        for node in index.walk(handler.body):
            parent = index.parent(node)
            if isinstance(node, cst.Name) and node.value == bound and isinstance(parent, cst.Attribute) and parent.value is node:
                raise StatusError(
                    f"the handler reads {code(parent)}, which openai.APIError does not have; rewrite it by hand or use --target http"
                )
    if isinstance(handler.type, cst.Tuple):
        widened = f"({', '.join(code(e) for e in elements)}, {ANY_ERROR})"
    else:
        widened = f"({code(handler.type)}, {ANY_ERROR})"
    edits.set(handler.type, cst.parse_expression(widened))
    edits.imports.add("openai")


def full_name(index: ModuleIndex, node: cst.BaseExpression) -> str:
    """``requests.RequestException`` / ``RequestException`` imported from requests -> its full dotted name."""
    dotted = dotted_name(node) or ""
    head, _, rest = dotted.partition(".")
    found = index.lookup(head, index.scope_of(node))
    if found is None or found[0] != "import":
        return dotted
    module, imported, _level = found[2]  # type: ignore[misc]
    full = f"{module}.{imported}" if imported else module
    return f"{full}.{rest}" if rest else full
