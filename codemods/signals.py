"""Every legacy signal in one parsed module, as libcst nodes.

The rules rewrite or mark the *sites* they understand. This finds the raw
*signals* (:mod:`.shapes`) wherever they are, so the never-silent rule can
report every signal no site accounts for:

- strong: a string holding the legacy host with a retired path, a legacy
  request body, a known legacy model id, the use of a project constant that
  holds one of those;
- weak (only in a module tied to IONOS, see :mod:`.project`): a
  ``/predictions`` path piece, the ``properties`` dict of a body built on its
  own, a legacy answer read (``["properties"]["output"]``, ``inputTokens``).

Docstrings and the table the codemods generate are not signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from . import shapes
from .resolve import Dyn, ModuleIndex, Resolver, dotted_name, string_value

STRINGS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString, cst.BinaryOperation)


@dataclass(frozen=True, eq=False)
class Signal:
    kind: str  # legacy-url, legacy-body, legacy-model-id, legacy-constant (strong); predictions-path, inner-body,
    # legacy-answer (weak); legacy-host (the bare host: a signal only as a piece of a site, or left unused)
    node: cst.CSTNode
    strength: shapes.Strength
    detail: str  # the URL, the answer path, the model id, the constant's name: for the message
    docstring: bool = False
    text: str = ""  # a string's text, run-time pieces as shapes.DYNAMIC


class SignalFinder:
    def __init__(self, index: ModuleIndex, resolver: Resolver, legacy_ids: frozenset[str]) -> None:
        self.index = index
        self.resolver = resolver
        self.legacy_ids = legacy_ids

    def find(self) -> list[Signal]:
        found: list[Signal] = []
        for kind in STRINGS:
            for node in self.index.nodes_of(kind):
                signal = self._string(node)
                if signal is not None:
                    found.append(signal)
        for node in self.index.nodes_of(cst.Dict):
            signal = self._dict(node)
            if signal is not None:
                found.append(signal)
        for kind in (cst.Subscript, cst.Call):
            for node in self.index.nodes_of(kind):
                found.extend(self._answer(node))
        for node in self.index.nodes_of(cst.Comparison):
            signal = self._key_check(node)
            if signal is not None:
                found.append(signal)
        found.extend(self._constant_uses())
        return found

    # --- strings ---------------------------------------------------------------

    def _string(self, node: cst.BaseExpression) -> Signal | None:
        """The top of a string expression: a literal, an f-string, ``HOST + "/models"``, ``"%s/x" % BASE``."""
        if isinstance(node, cst.BinaryOperation) and not _joins_strings(node):
            return None
        parent = self.index.parent(node)
        if isinstance(parent, cst.ConcatenatedString) or (isinstance(parent, cst.BinaryOperation) and _joins_strings(parent)):
            return None
        if self._in_generated_table(node):
            return None
        text = self.text(node)
        if text is None:
            return None
        docstring = self._is_docstring(node)
        kind = shapes.legacy_url_kind(text)
        if kind is not None:
            return Signal("legacy-url", node, "strong", text.replace(shapes.DYNAMIC, "{...}"), docstring, text)
        if shapes.is_legacy_host(text) and not docstring:
            return Signal("legacy-host", node, "host", text, text=text)
        if isinstance(node, cst.SimpleString) and text.lower() in self.legacy_ids:
            return Signal("legacy-model-id", node, "strong", text, docstring)
        if not docstring and not self._in_decorator(node) and shapes.is_predictions_piece(text) and not self._a_value(node, text):
            return Signal("predictions-path", node, "weak", text.replace(shapes.DYNAMIC, "{...}"), text=text)
        return None

    def _a_value(self, node: cst.CSTNode, text: str) -> bool:
        """A bare ``"/predictions"`` as a dict value or a call's argument is data (a route name), not a
        URL piece; returned by a function or assigned, it may be one (``def path(): return "/predictions"``)."""
        if text.strip("/") != "predictions":
            return False
        return isinstance(self.index.parent(node), (cst.DictElement, cst.Arg))

    def text(self, node: cst.BaseExpression) -> str | None:
        """A string's text; an f-string's pieces resolved where the source says (constants, defaults)."""
        value = string_value(node)
        if value is not None:
            return value
        if isinstance(node, (cst.FormattedString, cst.ConcatenatedString, cst.BinaryOperation)):
            parts = self.resolver.parts(node, self.index.scope_of(node))
            text = "".join(_piece(part) for part in parts)
            if text == shapes.DYNAMIC and isinstance(node, cst.BinaryOperation):  # not a string the resolver knows
                return "".join(self.text(side) or shapes.DYNAMIC for side in (node.left, node.right))
            return text
        return None

    def _is_docstring(self, node: cst.CSTNode) -> bool:
        expr = self.index.parent(node)
        if not isinstance(expr, cst.Expr):
            return False
        line = self.index.parent(expr)
        block = self.index.parent(line) if isinstance(line, cst.SimpleStatementLine) else None
        body = block.body if isinstance(block, (cst.Module, cst.IndentedBlock)) else ()
        return bool(body) and body[0] is line

    def _in_decorator(self, node: cst.CSTNode) -> bool:
        return any(isinstance(a, cst.Decorator) for a in self.index.ancestors(node))

    def _in_generated_table(self, node: cst.CSTNode) -> bool:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.Assign):
                return any(dotted_name(t.target) == shapes.GENERATED_TABLE for t in ancestor.targets)
            if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return False
        return False

    # --- dicts -----------------------------------------------------------------

    def _dict(self, node: cst.Dict) -> Signal | None:
        shape = dict_shape(node)
        if shapes.is_legacy_body(shape):
            return Signal("legacy-body", node, "strong", "properties.input")
        if shapes.is_inner_body(shape) and not self._inside_body(node):
            return Signal("inner-body", node, "weak", "input")
        return None

    def _inside_body(self, node: cst.Dict) -> bool:
        element = self.index.parent(node)
        outer = self.index.parent(element) if isinstance(element, cst.DictElement) else None
        return isinstance(outer, cst.Dict) and shapes.is_legacy_body(dict_shape(outer))

    # --- answer reads ------------------------------------------------------------

    def _answer(self, node: cst.BaseExpression) -> list[Signal]:
        if self._continues(node):
            return []  # only the outermost piece of a chain
        keys, root = key_chain(node)
        if not keys:
            return []
        behind: list[str] = []
        binding = None
        if isinstance(root, cst.Name):
            behind, binding = self._keys_behind(root)
        read = shapes.answer_read(behind + keys)
        if read is None and shapes.models_list_read(keys) and self._lists_models(node):
            read = "items[].properties.name"
        if read is None or self._is_schema(root):
            return []
        found = [Signal("legacy-answer", node, "weak", read)]
        if behind and binding is not None:  # props = raw.get("properties", {}): the first half of the read
            found.append(Signal("legacy-answer", binding, "weak", read))
        return found

    def _lists_models(self, node: cst.CSTNode) -> bool:
        """A models-list read: the function also reads ``["items"]`` and names no ``/collections``."""
        home = next((a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef)), self.index.module)
        reads_items = any("items" in key_chain(n)[0] for n in self.index.walk(home) if isinstance(n, (cst.Subscript, cst.Call)))
        return reads_items and "/collections" not in self.index.module.code_for_node(home)

    def _key_check(self, node: cst.Comparison) -> Signal | None:
        """``"properties" in result``, ``"output" in data["properties"]``: a check of the legacy answer."""
        if not any(isinstance(t.operator, (cst.In, cst.NotIn)) for t in node.comparisons):
            return None
        key = string_value(node.left)
        if key is None or key not in shapes.ANSWER_KEYS:
            return None
        target = node.comparisons[0].comparator
        keys, root = key_chain(target) if isinstance(target, (cst.Subscript, cst.Call)) else ([], target)
        read = shapes.answer_read([*keys, key]) or ("properties" if key == "properties" and not keys else None)
        if read is None or self._is_schema(root):
            return None
        return Signal("legacy-answer", node, "weak", f"a check for {read}")

    def _continues(self, node: cst.CSTNode) -> bool:
        parent = self.index.parent(node)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            return True
        if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "get":
            call = self.index.parent(parent)
            return isinstance(call, cst.Call) and bool(call.args) and string_value(call.args[0].value) is not None
        return False

    def _keys_behind(self, name: cst.Name) -> tuple[list[str], cst.CSTNode | None]:
        """``props = raw.get("properties", {})`` then ``props.get("output")``: the keys ``props`` already read,
        and the expression that read them."""
        found = self.index.lookup(name.value, self.index.scope_of(name))
        if not found or found[0] != "value":
            return [], None
        value = found[2]
        if isinstance(value, cst.BooleanOperation):  # raw.get("metadata") or {}
            value = value.left
        keys, _root = key_chain(value)  # type: ignore[arg-type]
        return keys, (value if keys else None)

    def _is_schema(self, root: cst.CSTNode | None) -> bool:
        """A chain read from a dict literal (a JSON schema written in the code) reads no answer."""
        if not isinstance(root, cst.Name):
            return isinstance(root, cst.Dict)
        found = self.index.lookup(root.value, self.index.scope_of(root))
        if not found:
            return False
        value = found[2]
        if found[0] == "param":
            value = value.default  # type: ignore[union-attr]
            if isinstance(value, cst.Name):
                outer = self.index.lookup(value.value, self.index.module)
                value = outer[2] if outer and outer[0] == "value" else None
        return isinstance(value, cst.Dict)

    # --- project constants used here -----------------------------------------

    def _constant_uses(self) -> Iterator[Signal]:
        """A name imported from a project module that holds a legacy URL or model id (a constant, an
        env var's default, a dict or a class whose members hold one): each use of it here."""
        bindings = self.index.bindings(self.index.module)
        legacy: dict[str, str] = {}
        members: dict[str, dict[str, str]] = {}  # Class -> {member: what}
        for local, (module, name, level) in bindings.imports.items():
            if name is None:
                continue
            value = self.index.project_constant(module, name, level)
            if value is None:
                value = self.index.project_env_default(module, name, level)
            if value is not None and (shapes.legacy_url_kind(value) or value.lower() in self.legacy_ids):
                legacy[local] = f"{local} ({value})"
                continue
            named = self.index.project_table(self.index.project.legacy_names, module, level) or {}
            if name in named:
                legacy[local] = f"{local} (defined in {module or '.'} with a retired URL in it)"
            for key in named:
                if key.startswith(name + "."):
                    member = key.split(".", 1)[1]
                    members.setdefault(local, {})[member] = f"{local}.{member} (returns or holds a retired URL)"
        if legacy:
            for node in self.index.nodes_of(cst.Name):
                if node.value in legacy and self._is_load(node):
                    yield Signal("legacy-constant", node, "strong", legacy[node.value])
        if members:
            for node in self.index.nodes_of(cst.Attribute):
                owner = node.value
                if isinstance(owner, cst.Name) and owner.value in members and node.attr.value in members[owner.value]:
                    yield Signal("legacy-constant", node, "strong", members[owner.value][node.attr.value])

    def _is_load(self, node: cst.Name) -> bool:
        parent = self.index.parent(node)
        if isinstance(parent, (cst.ImportAlias, cst.AsName, cst.AssignTarget, cst.Param, cst.FunctionDef, cst.ClassDef)):
            return False
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return False
        return not any(isinstance(a, (cst.Import, cst.ImportFrom)) for a in self.index.ancestors(node))


def _joins_strings(node: cst.BinaryOperation) -> bool:
    """``a + b`` or ``a % b`` with a string on the left (or any ``+``: ``HOST + "/models"``)."""
    if isinstance(node.operator, cst.Modulo):
        return isinstance(node.left, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString))
    return isinstance(node.operator, cst.Add)


def _piece(part) -> str:
    if isinstance(part, Dyn):
        return part.default if part.default is not None else shapes.DYNAMIC
    return part


def dict_shape(node: cst.Dict, depth: int = 0) -> shapes.Shape:
    shape: shapes.Shape = {}
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            continue
        key = string_value(element.key)
        if key is None:
            continue
        value = element.value
        if isinstance(value, cst.Dict):
            shape[key] = dict_shape(value, depth + 1) if depth < 1 else {}
        else:
            text = string_value(value)
            shape[key] = text if text is not None else shapes.EXPR
    return shape


def key_chain(node: cst.BaseExpression) -> tuple[list[str], cst.BaseExpression | None]:
    """``raw["properties"]["output"]`` / ``raw.get("properties", {}).get("output")`` -> (keys, ``raw``)."""
    keys: list[str] = []
    while True:
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            key = string_value(node.slice[0].slice.value)
            if key is not None:
                keys.append(key)
            node = node.value
        elif (
            isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get"
            and node.args and string_value(node.args[0].value) is not None
        ):
            keys.append(string_value(node.args[0].value))  # type: ignore[arg-type]
            node = node.func.value
        else:
            break
    return keys[::-1], node
