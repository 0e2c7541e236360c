"""Reading a legacy prediction body out of the source, and writing the new one.

The body may be an inline dict, a variable assigned earlier, nested dicts
built in separate statements, or a helper function that returns the dict.
:func:`read_body` finds the outermost dict display (the *anchor*, where the
new body is written) and the expressions for ``input``, each option,
``collectionId`` and ``collectionQuery``. The option mapping comes from
``compat``: literal values are coerced now with ``coerce_option``, others are
wrapped in ``int()``/``float()`` per ``OPTION_RULES``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Optional

import libcst as cst
from ionos_migrate.compat import rules
from ionos_migrate.compat.translate import RESERVED_OPTIONS, TranslationError, coerce_option, option_is_false

from .resolve import (
    Resolver,
    Scope,
    dotted_name,
    literal_text,
    single_return,
    string_value,
)

TOP_KEYS = {"type", "properties"}
PROPERTY_KEYS = {"input", "options", "collectionId", "collectionQuery"}
EMPTY = cst.Module([])


def code(node: cst.CSTNode) -> str:
    return EMPTY.code_for_node(node)


class BodyError(Exception):
    """The body cannot be followed with confidence; the message says why."""


@dataclass(eq=False)
class LegacyBody:
    anchor: cst.Dict  # the outermost dict display: replaced by the new body
    scope: Scope  # where the anchor's expressions are valid
    input: cst.BaseExpression
    options: list[tuple[str, cst.BaseExpression]] = field(default_factory=list)
    collection_id: Optional[cst.BaseExpression] = None
    collection_query: Optional[cst.BaseExpression] = None
    helper: Optional[cst.FunctionDef] = None  # the body came from this helper's return
    consumed: list[tuple[str, Scope]] = field(default_factory=list)  # names of inner dicts inlined into the anchor
    comments: dict[str, str] = field(default_factory=dict)  # legacy key ("input", an option) -> its trailing comment

    def option(self, name: str) -> Optional[cst.BaseExpression]:
        return next((value for key, value in self.options if key == name), None)


def read_body(expr: cst.BaseExpression, scope: Scope, resolver: Resolver) -> LegacyBody:
    """Follow ``expr`` to the legacy body dict; raises :class:`BodyError` when it cannot."""
    helper = None
    if isinstance(expr, cst.Call):
        helper = resolver.callee(expr, scope)
        returned = single_return(helper) if helper is not None else None
        if returned is None:
            raise BodyError(f"the body comes from a call ({code(expr.func)}) that does not plainly return a dict")
        expr, scope = returned, helper
    consumed: list[tuple[str, Scope]] = []
    top, top_scope = _dict(expr, scope, resolver, "the request body", consumed)
    if isinstance(expr, cst.Name):
        consumed = consumed[1:]  # the body variable itself stays: it is rewritten, not dropped
    fields = _fields(top, TOP_KEYS, "the request body")
    kind = fields.get("type")
    if kind is not None and string_value(kind) not in ("prediction", None):
        raise BodyError('the body\'s "type" is not "prediction"')
    if "properties" not in fields:
        raise BodyError('the body has no "properties"')
    props, props_scope = _dict(fields["properties"], top_scope, resolver, '"properties"', consumed)
    if props_scope is not top_scope:
        raise BodyError('"properties" is built in another function')
    properties = _fields(props, PROPERTY_KEYS, '"properties"')
    if "input" not in properties:
        raise BodyError('"properties" has no "input"')
    options: list[tuple[str, cst.BaseExpression]] = []
    comments = trailing_comments(props)
    if "options" in properties:
        table, options_scope = _dict(properties["options"], props_scope, resolver, '"options"', consumed)
        if options_scope is not top_scope:
            raise BodyError('"options" is built in another function')
        options = list(_fields(table, None, '"options"').items())
        comments.update(trailing_comments(table))
    return LegacyBody(
        top, top_scope, properties["input"], options, properties.get("collectionId"), properties.get("collectionQuery"),
        helper, consumed, comments,
    )


def trailing_comments(table: cst.Dict) -> dict[str, str]:
    """``"max_length": "300",  # enough for a summary`` -> {"max_length": "# enough for a summary"}."""
    found = {}
    elements = list(table.elements)
    for index, element in enumerate(elements):
        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
        comma = element.comma
        after = comma.whitespace_after if isinstance(comma, cst.Comma) else None
        if not isinstance(after, cst.ParenthesizedWhitespace) and index == len(elements) - 1:
            after = table.rbrace.whitespace_before  # the last field's comment sits before the closing brace
        if key is not None and isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment is not None:
            found[key] = after.first_line.comment.value
    return found


def _dict(expr: cst.BaseExpression, scope: Scope, resolver: Resolver, what: str, consumed: list) -> tuple[cst.Dict, Scope]:
    if isinstance(expr, cst.Call) and dotted_name(expr.func) == "dict" and not expr.args:
        raise BodyError(f"{what} is built with dict(); write it as a dict display")
    found = resolver.dict_literal(expr, scope)
    if found is None:
        raise BodyError(f"{what} ({code(expr)}) is not a dict the tool can follow")
    if isinstance(expr, cst.Name):
        consumed.append((expr.value, scope))
    return found


def _fields(table: cst.Dict, allowed: set[str] | None, what: str) -> dict[str, cst.BaseExpression]:
    fields: dict[str, cst.BaseExpression] = {}
    for element in table.elements:
        if not isinstance(element, cst.DictElement):
            raise BodyError(f"{what} unpacks another dict (**); its keys are not known")
        key = string_value(element.key)
        if key is None:
            raise BodyError(f"{what} has a key that is not a plain string")
        if allowed is not None and key not in allowed:
            raise BodyError(f"{what} has an unexpected key {key!r}")
        fields[key] = element.value
    return fields


# --- literal values ----------------------------------------------------------


_NOT_LITERAL = object()


def literal_value(node: cst.BaseExpression, scope: Scope, resolver: Resolver) -> Any:
    """The Python value of a literal (string, number, bool), else ``_NOT_LITERAL``."""
    if isinstance(node, cst.Integer):
        return node.evaluated_value
    if isinstance(node, cst.Float):
        return node.evaluated_value
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = literal_value(node.expression, scope, resolver)
        return -inner if isinstance(inner, (int, float)) and not isinstance(inner, bool) else _NOT_LITERAL
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        text = literal_text(resolver.parts(node, scope))
        return text if text is not None else _NOT_LITERAL
    return _NOT_LITERAL


def is_literal(value: Any) -> bool:
    return value is not _NOT_LITERAL


def py_literal(value: Any) -> str:
    """Python source for a JSON-ish value."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else json.dumps(str(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


# --- the new body -------------------------------------------------------------


@dataclass
class OptionCode:
    fields: list[tuple[str, str]]  # (openai field, python code)
    notes: list[str]


def option_code(body: LegacyBody, resolver: Resolver) -> OptionCode:
    """The options as OpenAI body fields: literals coerced now, others wrapped per compat's rule."""
    fields: list[tuple[str, str]] = []
    notes: list[str] = []
    for name, node in body.options:
        if name in rules.IMAGE_OPTIONS or (isinstance(node, cst.Name) and node.value == "None"):
            continue  # compat drops options set to None too
        value = literal_value(node, body.scope, resolver)
        rule = rules.OPTION_RULES.get(name)
        if name in RESERVED_OPTIONS:
            if name == "stream" and is_literal(value) and option_is_false(value):
                continue  # compat drops stream off too: the legacy API never streamed
            raise BodyError(f"option {name!r} is not accepted ({RESERVED_OPTIONS[name]}); remove it by hand")
        if is_literal(value):
            try:
                field_name, coerced = coerce_option(name, value)
            except TranslationError as exc:
                raise BodyError(f"option {exc.message}") from None
            fields.append((field_name, py_literal(coerced)))
        else:
            inner = _unwrap_str(node)
            if rule is None:
                field_name, text = name, code(inner)
                notes.append(f"option {name!r} is passed as written; make sure it is a number")
            else:
                field_name, text = rule.field, f"{rule.coerce}({code(inner)})"
            fields.append((field_name, text))
        if rule is None:
            notes.append(f"option {name!r} is not an OpenAI field; passed on as an extra body field")
    if body.option("max_length") is None:
        notes.append("no max_length: the new API's default max_tokens may be as low as 16; set max_tokens if answers come back short")
    return OptionCode(fields, notes)


def _unwrap_str(node: cst.BaseExpression) -> cst.BaseExpression:
    """``str(x)`` -> ``x``: the new API wants the number itself."""
    if isinstance(node, cst.Call) and dotted_name(node.func) == "str" and len(node.args) == 1 and not node.args[0].keyword:
        return node.args[0].value
    return node


def dict_code(fields: list[tuple[str, str]], template: cst.Dict | None = None, comments: dict[str, str] | None = None) -> str:
    """A dict display; one key per line (keeping the comments of the fields they came from)
    when the original body spread over lines."""
    items = [f"{json.dumps(key)}: {value}" for key, value in fields]
    if template is not None and _multiline(template):
        indent, closing = _indents(template)
        comments = comments or {}
        lines = [f"{indent}{item}," + (f"  {comments[key]}" if key in comments else "") for item, (key, _) in zip(items, fields)]
        return "{\n" + "\n".join(lines) + "\n" + closing + "}"
    return "{" + ", ".join(items) + "}"


def field_comments(body: LegacyBody, fields: list[tuple[str, str]]) -> dict[str, str]:
    """The trailing comment of the legacy key each new field comes from."""
    sources = {rules.OPTION_RULES[name].field if name in rules.OPTION_RULES else name: name for name, _ in body.options}
    sources.update({"messages": "input", "prompt": "input"})
    return {key: body.comments[sources[key]] for key, _ in fields if sources.get(key) in body.comments}


def _multiline(table: cst.Dict) -> bool:
    return "\n" in code(table)


def _indents(table: cst.Dict) -> tuple[str, str]:
    """(indent of the elements, indent of the closing brace) as the original has them."""
    after, before = table.lbrace.whitespace_after, table.rbrace.whitespace_before
    element = after.last_line.value if isinstance(after, cst.ParenthesizedWhitespace) else "    "
    closing = before.last_line.value if isinstance(before, cst.ParenthesizedWhitespace) else ""
    return element, closing


def user_messages(input_code: str) -> str:
    return f'[{{"role": "user", "content": {input_code}}}]'
