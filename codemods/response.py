"""Following a legacy answer through the code and rewriting how it is read.

From the call that sends the request, the tracker follows the response
object (``r = requests.post(...)``, ``async with ... as resp``), its JSON
(``r.json()``, ``await resp.json()``, ``json.loads(r.text)``,
``json.loads(resp.read())``), variables holding either, ``return`` to a
caller one function away, and ``for`` loops / comprehensions over the models
list. Every read must map to the new shape (:class:`Shape`); one it cannot
follow raises :class:`ReadError` and the site is left for manual work.
Status checks and other attributes of the response stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional, Union

import libcst as cst

from .body import code
from .edits import SiteEdits
from .resolve import (
    ModuleIndex,
    Resolver,
    dotted_name,
    string_value,
    subscript_key,
)
from .status import StatusChecks, StatusError

Key = Union[str, int]
Groups = tuple  # one tuple of new keys per legacy key


class ReadError(Exception):
    """The answer is read in a way the tool cannot follow; the message says how."""


@dataclass(frozen=True)
class Shape:
    """How paths into the legacy answer map onto the new one."""

    paths: dict
    list_key: Optional[str] = None  # the legacy key holding a list of elements
    list_new: Optional[str] = None
    element_paths: dict = field(default_factory=dict)


_USAGE = {
    ("metadata", "inputTokens"): (("usage",), ("prompt_tokens",)),
    ("metadata", "outputTokens"): (("usage",), ("completion_tokens",)),
}
CHAT = Shape({("properties", "output"): (("choices", 0, "message"), ("content",)), **_USAGE})
IMAGE = Shape({("properties", "output"): (("data", 0), ("b64_json",))})
MODELS = Shape(
    {},
    list_key="items",
    list_new="data",
    element_paths={("properties", "name"): (("id",),), ("id",): (("id",),)},
)


@dataclass(frozen=True, eq=False)
class Segment:
    key: Key
    style: Literal["sub", "get"]
    default: Optional[cst.BaseExpression]
    node: cst.BaseExpression  # the chain node this segment produces
    key_node: cst.BaseExpression


JSON_LOADS = {"json.loads", "loads"}
LEGACY_ANSWER_KEYS = {"type", "metadata", "properties", "items", "id", "href", "httpStatus", "messages"}
NEW_ANSWER_KEYS = {"id", "object", "created", "model", "choices", "usage", "data", "system_fingerprint"}
Kind = Literal["response", "json", "list", "element"]


class Tracker:
    def __init__(
        self, index: ModuleIndex, resolver: Resolver, shape: Shape, edits: SiteEdits, *, probe: bool = False, sdk: bool = False
    ):
        self.sdk = sdk  # target openai: the answer is an SDK object, read with attributes
        self.index = index
        self.resolver = resolver
        self.shape = shape
        self.edits = edits
        self.probe = probe  # inside a helper: stop at return and report what is returned
        self.returned: set[str] = set()
        self.notes: list[str] = []
        self.reads = 0
        self._seen: set[tuple[int, str]] = set()
        self._depth = 0
        self._response_value: Optional[cst.BaseExpression] = None  # ``r = <this>``: the response's one binding
        self._status = StatusChecks(index, edits)
        self.chains: list[tuple[cst.BaseExpression, list[Segment]]] = []  # every read of the answer, as written
        self.status_handled = False  # raise_for_status() or a status check: an error answer never reaches a read

    # -- entry points --

    def follow(self, node: cst.BaseExpression, kind: Kind) -> None:
        key = (id(node), kind)
        if key in self._seen:
            return
        self._seen.add(key)
        {"response": self._response, "json": self._json, "list": self._list, "element": self._element}[kind](node)

    # -- the response object --

    def _response(self, node: cst.BaseExpression) -> None:
        parent = self.index.parent(node)
        if isinstance(parent, cst.Await):
            return self._response(parent)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return self._response_attribute(parent)
        if self._bound_or_returned(node, parent, "response"):
            return None
        if isinstance(parent, cst.Expr):
            return None
        raise ReadError(f"the response is used as {self._describe(parent)}; the tool cannot follow it")

    @property
    def status_plan(self):
        """The status check that became try/except (codemods/status.py), if any."""
        return self._status.plan

    def _response_attribute(self, attribute: cst.Attribute) -> None:
        if self.sdk and self._status.covers(attribute):
            return None  # read in the failure branch: the except block reads it from the error
        name = attribute.attr.value
        call = self.index.parent(attribute)
        called = isinstance(call, cst.Call) and call.func is attribute
        if name == "json" and called:
            outer = self.index.parent(call)
            source = outer if isinstance(outer, cst.Await) else call
            if self.sdk:  # the SDK answer is already parsed: r.json() -> r
                self.edits.with_(source, lambda u: _unwrap_json(u))
            return self.follow(source, "json")
        if name in ("text", "content") or (name == "read" and called):
            value = call if called else attribute
            loads = self._loads_around(value)
            if loads is not None:
                if self.sdk:
                    self.edits.with_(loads, lambda u: _unwrap_loads(u))
                    self.edits.gone.append(loads)
                return self.follow(loads, "json")
            if self.sdk:
                raise ReadError(f"the raw answer ({name}) is used; the openai SDK returns objects: rewrite by hand or use --target http")
            if name in ("text", "content", "read"):
                self.notes.append(f"the raw answer ({name}) is used as it is; its shape is the new API's now")
        if self.sdk:
            return self._sdk_attribute(attribute, name, called, call)
        return None

    def _sdk_attribute(self, attribute: cst.Attribute, name: str, called: bool, call) -> None:
        """Status handling around an SDK call: ``raise_for_status()`` goes (the SDK raises itself),
        an ``if`` on ``status_code`` / ``ok`` becomes try/except openai.APIStatusError (codemods/status.py);
        others are manual."""
        if name in ("status_code", "ok") and not called:
            self.status_handled = True
            try:
                return self._status.handle(attribute, self._response_value)
            except StatusError as exc:
                raise ReadError(str(exc)) from None
        statement = self.index.parent(self.index.parent(call)) if called else None
        if name == "raise_for_status" and called and isinstance(self.index.parent(call), cst.Expr) and isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            self.edits.remove(statement)
            self.status_handled = True
            self.notes.append("raise_for_status() removed: the openai SDK raises openai.APIStatusError itself")
            return None
        raise ReadError(f"the response's .{name} is used; with the openai SDK handle openai.APIStatusError instead (by hand), or use --target http")

    def _loads_around(self, node: cst.CSTNode) -> cst.Call | None:
        """``json.loads(x)``, ``json.loads(x.decode(...))`` around ``node``."""
        parent = self.index.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr.value == "decode":
            call = self.index.parent(parent)
            if isinstance(call, cst.Call):
                node, parent = call, self.index.parent(call)
        if isinstance(parent, cst.Arg):
            call = self.index.parent(parent)
            if isinstance(call, cst.Call) and dotted_name(call.func) in JSON_LOADS and call.args[0] is parent:
                return call
        return None

    # -- the JSON answer --

    def _json(self, node: cst.BaseExpression) -> None:
        outer, segments = self.chain(node)
        if segments:
            return self._read(node, segments, element=False)
        parent = self.index.parent(node)
        if self._bound_or_returned(node, parent, "json"):
            return None
        if isinstance(parent, cst.Expr) or self._membership(node, node, []):
            return None
        raise ReadError(f"the whole answer is used as {self._describe(parent)}; read the new fields by hand")

    def _membership(self, root: cst.BaseExpression, outer: cst.BaseExpression, segments: list[Segment]) -> bool:
        """``"output" in data["properties"]`` / ``"properties" in data``: the key check follows the new shape."""
        target = self.index.parent(outer)
        comparison = self.index.parent(target)
        if not (
            isinstance(target, cst.ComparisonTarget) and target.comparator is outer
            and isinstance(target.operator, (cst.In, cst.NotIn))
            and isinstance(comparison, cst.Comparison) and len(comparison.comparisons) == 1
            and isinstance(comparison.left, cst.SimpleString) and string_value(comparison.left) is not None
        ):
            return False
        if self.sdk:
            raise ReadError("a key of the answer is checked with `in`; the openai SDK returns objects: rewrite by hand")
        keys = tuple(s.key for s in segments) + (string_value(comparison.left),)
        groups = next((g for path, g in self.shape.paths.items() if path[: len(keys)] == keys), None)
        if groups is None:
            # A key neither answer has at the top ("error" from the code's own error dict) checks the same.
            return not segments and keys[0] not in LEGACY_ANSWER_KEYS and keys[0] not in NEW_ANSWER_KEYS
        new_key = groups[len(keys) - 1][0]
        if not isinstance(new_key, str):
            return False
        key_node = comparison.left
        quote = key_node.value[len(key_node.prefix)] if key_node.value[:1] not in "'\"" else key_node.value[0]
        self.edits.set(key_node, cst.SimpleString(f"{quote}{new_key}{quote}"))
        if segments:
            self._rewrite(root, segments, groups[: len(segments)])
        self.reads += 1
        return True

    def _list(self, node: cst.BaseExpression) -> None:
        outer, segments = self.chain(node)
        if segments:
            if isinstance(segments[0].key, int):
                return self._element_read(segments[0].node, segments[1:])
            raise ReadError("the models list is indexed in a way the tool cannot follow")
        parent = self.index.parent(node)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            return self._loop_target(parent)
        if isinstance(parent, cst.Arg) and dotted_name(self.index.parent(parent).func) in ("len", "list", "sorted", "enumerate"):  # type: ignore[union-attr]
            caller = self.index.parent(parent)
            if dotted_name(caller.func) == "len":  # type: ignore[union-attr]
                return None
            raise ReadError("the models list is passed through a function the tool does not follow")
        if self._bound_or_returned(node, parent, "list"):
            return None
        raise ReadError(f"the models list is used as {self._describe(parent)}")

    def _loop_target(self, loop: Union[cst.For, cst.CompFor]) -> None:
        if not isinstance(loop.target, cst.Name):
            raise ReadError("the loop over the models list unpacks its items")
        name = loop.target.value
        where = self.index.parent(loop) if isinstance(loop, cst.CompFor) else loop
        while isinstance(where, cst.CompFor):
            where = self.index.parent(where)
        for load in self.index.loads_of(name, where):
            self.follow(load, "element")

    def _element(self, node: cst.BaseExpression) -> None:
        outer, segments = self.chain(node)
        if segments:
            return self._element_read(node, segments)
        parent = self.index.parent(node)
        if self._bound_or_returned(node, parent, "element"):
            return None
        raise ReadError(f"a model item is used as {self._describe(parent)}")

    def _element_read(self, root: cst.BaseExpression, segments: list[Segment]) -> None:
        if not segments:
            return self.follow(root, "element")
        return self._read(root, segments, element=True)

    def _read(self, root: cst.BaseExpression, segments: list[Segment], *, element: bool) -> None:
        mapped = self._map(segments, element)
        if mapped is None and not element and self._membership(root, segments[-1].node, segments):
            return None
        first = segments[0].key
        if mapped is None and not element and first not in LEGACY_ANSWER_KEYS and first not in NEW_ANSWER_KEYS:
            self.notes.append(f"[{first!r}] is read as it was: neither answer has that key (the code's own value?)")
            return None
        if mapped is None:
            path = "".join(f"[{s.key!r}]" for s in segments)
            raise ReadError(f"reads {path} from the answer; the new API has no such field")
        length, groups, then = mapped
        if self.probe:
            raise ReadError("the helper itself reads legacy fields from the answer")
        self.chains.append((root, segments))
        self._rewrite(root, segments[:length], groups)
        self.reads += 1
        if then is not None:
            self.follow(segments[length - 1].node, then)

    def _map(self, segments: list[Segment], element: bool) -> tuple[int, Groups, Optional[Kind]] | None:
        keys = tuple(s.key for s in segments)
        table = self.shape.element_paths if element else self.shape.paths
        for path, groups in sorted(table.items(), key=lambda item: -len(item[0])):
            if keys[: len(path)] == path:
                return len(path), groups, None
        if not element and self.shape.list_key and keys[:1] == (self.shape.list_key,):
            head: Groups = ((self.shape.list_new,),)
            if len(keys) == 1:
                return 1, head, "list"
            if isinstance(keys[1], int):
                rest = self._map(segments[2:], True) if len(keys) > 2 else (0, (), "element")
                if rest is None:
                    return None
                return 2 + rest[0], head + ((keys[1],),) + rest[1], rest[2]
        return None

    # -- rewriting a read --

    def _rewrite(self, root: cst.BaseExpression, segments: list[Segment], groups: Groups) -> None:
        quote = "'" if (string_value(segments[0].key_node) is not None and code(segments[0].key_node).startswith("'")) else '"'
        if self.sdk:
            suffix = "".join(_attribute_code(seg, group, i == len(groups) - 1) for i, (seg, group) in enumerate(zip(segments, groups)))
            last = segments[-1]
            wrap_default = last.style == "get" and last.default is not None
        else:
            suffix = "".join(_segment_code(seg, group, quote) for seg, group in zip(segments, groups))
            wrap_default = False
        styles = [s.style for s in segments]
        depth = len(segments)

        def make(updated: cst.CSTNode) -> cst.CSTNode:
            inner = updated
            for style in reversed(styles):
                inner = inner.value if style == "sub" else inner.func.value  # type: ignore[attr-defined]
            text = code(inner) + suffix
            if wrap_default:
                text = f"({text} or {code(segments[-1].default)})"  # type: ignore[arg-type]
            new = cst.parse_expression(text)
            if wrap_default:
                return new
            return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)  # type: ignore[attr-defined]

        if depth:
            self.edits.with_(segments[-1].node, make)

    # -- chains --

    def chain(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression, list[Segment]]:
        """``node["a"].get("b", {})[0]``: the outermost node and the literal keys on the way."""
        segments: list[Segment] = []
        current = node
        while True:
            parent = self.index.parent(current)
            if isinstance(parent, cst.Subscript) and parent.value is current:
                key = subscript_key(parent)
                if key is None:
                    break
                segments.append(Segment(key, "sub", None, parent, parent.slice[0].slice.value))  # type: ignore[attr-defined]
                current = parent
                continue
            if isinstance(parent, cst.Attribute) and parent.value is current and parent.attr.value == "get":
                call = self.index.parent(parent)
                if isinstance(call, cst.Call) and call.func is parent and 1 <= len(call.args) <= 2:
                    key = string_value(call.args[0].value)
                    if key is not None and all(a.keyword is None and not a.star for a in call.args):
                        default = call.args[1].value if len(call.args) == 2 else None
                        segments.append(Segment(key, "get", default, call, call.args[0].value))
                        current = call
                        continue
            break
        return current, segments

    # -- names, returns --

    def _bound_or_returned(self, node: cst.BaseExpression, parent: cst.CSTNode | None, kind: Kind) -> bool:
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
            self._follow_name(parent.targets[0].target.value, node, kind)
            return True
        if isinstance(parent, cst.WithItem) and parent.asname is not None and isinstance(parent.asname.name, cst.Name):
            self._follow_name(parent.asname.name.value, node, kind)
            return True
        if isinstance(parent, cst.Return):
            self._follow_return(node, kind)
            return True
        return False

    def _follow_name(self, name: str, value: cst.BaseExpression, kind: Kind) -> None:
        scope = self.index.scope_of(value)
        bindings = self.index.bindings(scope).values.get(name, [])
        if len(bindings) != 1:
            raise ReadError(f"{name!r} is assigned more than once; the tool cannot tell which value is read")
        if kind == "response":
            self._response_value = value
        for load in self.index.loads_of(name, scope):
            self.follow(load, kind)

    def _follow_return(self, node: cst.BaseExpression, kind: Kind) -> None:
        function = self.index.scope_of(node)
        if self.probe:
            self.returned.add(kind)
            return
        if not isinstance(function, cst.FunctionDef):
            raise ReadError("the answer is returned from a lambda")
        if self._depth >= 2:
            raise ReadError(f"the answer is returned through more than two functions ({function.name.value})")
        callers = list(self.resolver.callers(function))
        if not callers:
            raise ReadError(f"{function.name.value}() returns the answer and no caller in this file reads it; update its callers by hand")
        self._depth += 1
        try:
            for call in callers:
                parent = self.index.parent(call)
                self.follow(parent if isinstance(parent, cst.Await) else call, kind)
        finally:
            self._depth -= 1

    def _describe(self, parent: cst.CSTNode | None) -> str:
        if parent is None:
            return "something"
        if isinstance(parent, cst.Arg):
            call = self.index.parent(parent)
            if isinstance(call, cst.Call):
                return f"an argument of {code(call.func)}()"
        return f"a {type(parent).__name__} expression"


def _unwrap_json(updated: cst.CSTNode) -> cst.CSTNode:
    """``r.json()`` / ``await r.json()`` -> ``r``."""
    call = updated.expression if isinstance(updated, cst.Await) else updated
    return call.func.value  # type: ignore[attr-defined]


def _unwrap_loads(updated: cst.CSTNode) -> cst.CSTNode:
    """``json.loads(r.text)`` -> ``r``."""
    inner = updated.args[0].value  # type: ignore[attr-defined]
    if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) and inner.func.attr.value == "decode":
        inner = inner.func.value
    if isinstance(inner, cst.Call):
        inner = inner.func
    return inner.value  # type: ignore[attr-defined]


def _attribute_code(segment: Segment, group: tuple, last_group: bool) -> str:
    """SDK objects: ``.choices[0].message.content``; a ``.get(key, default)`` at the end keeps its default via ``or``."""
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in group)


def _segment_code(segment: Segment, group: tuple, quote: str) -> str:
    out = []
    for position, key in enumerate(group):
        last = position == len(group) - 1
        if isinstance(key, int):
            out.append(f"[{key}]")
        elif segment.style == "sub":
            out.append(f"[{quote}{key}{quote}]")
        else:
            if last:
                default = f", {code(segment.default)}" if segment.default is not None else ""
            else:
                following = group[position + 1]
                default = ", [{}]" if isinstance(following, int) else ", {}"
            out.append(f".get({quote}{key}{quote}{default})")
    return "".join(out)
