"""Code the migration writes, laid out like its neighbours: within the file's line length.

The rules build new calls and dicts on one line. Where such a line is longer
than the line length, the outermost bracket on it whose opening line then fits
is split black style: one element per line at the file's indentation, a
trailing comma when there are several, the closing bracket back at the line's
indentation. An element that is a chain of operators (``"https://..." +
str(x) + "/query"``) is split before each operator, as black does inside
brackets. The lines that come out are checked again, so a long dict inside a
split call is split in turn. A trailing comment stays on the line it was on
(after the opening bracket) and does not count towards the length: it is the
author's. Lines the migration did not change (``kept``) are never touched.

Works on the libcst nodes: a pass renders the statement alone, finds the long
lines and their brackets through libcst positions, plans every split those
positions allow (a split bracket's elements are measured on their new lines
with the same offsets), and rebuilds those nodes' whitespace; passes repeat
until nothing more can be split.
"""

from __future__ import annotations

import textwrap
from typing import Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

DEFAULT_LINE_LENGTH = 88
MARKER = "# ionos-migrate:"
CONTINUATION = "#   "  # the lines of a marker wrapped to the line length after the first
MIN_MARKER_WIDTH = 40  # deep in a block a marker still gets this many characters a line
MAX_PASSES = 50  # each pass splits one-line brackets into several lines: never reached

Container = Union[cst.Call, cst.Dict, cst.List, cst.Set, cst.Tuple]
Chain = Union[cst.BinaryOperation, cst.BooleanOperation]
# Operators of one priority: a chain of them splits before each (``a + b - c``), not before others.
PRIORITIES = (
    (cst.Add, cst.Subtract), (cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.MatrixMultiply),
    (cst.BitOr,), (cst.BitXor,), (cst.BitAnd,), (cst.LeftShift, cst.RightShift), (cst.And,), (cst.Or,),
)
BODIES = (cst.IndentedBlock, cst.SimpleStatementSuite)  # a compound statement's header is all but these


def lay_out(statement: cst.CSTNode, *, indent: str, unit: str, width: int, kept: frozenset[str] = frozenset()) -> cst.CSTNode:
    """``statement`` (and the statements inside it) with every too-long changed line split.

    ``indent``: the indentation of the block it sits in; ``unit``: one indentation
    level of the file; ``kept``: the file's original lines, stripped (left as they are).
    """
    return statement.visit(_Layout(indent, unit, width, kept))


def lay_out_all(nodes, *, indent: str, unit: str, width: int, kept: frozenset[str] = frozenset()) -> list:
    return [lay_out(node, indent=indent, unit=unit, width=width, kept=kept) for node in nodes]


class _Layout(cst.CSTTransformer):
    """Lays out each statement's own lines (its header, for a compound statement), innermost first."""

    def __init__(self, indent: str, unit: str, width: int, kept: frozenset[str]):
        self.stack = [indent]
        self.unit, self.width, self.kept = unit, width, kept

    def on_visit(self, node) -> bool:
        if isinstance(node, (cst.BaseExpression, cst.BaseSmallStatement)):
            return False  # statements hold no statements below this
        if isinstance(node, cst.IndentedBlock):
            self.stack.append(self.stack[-1] + (node.indent if node.indent is not None else self.unit))
        return True

    def on_leave(self, original_node, updated_node):
        if isinstance(original_node, cst.IndentedBlock):
            self.stack.pop()
        if isinstance(updated_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            updated_node = split_long_lines(updated_node, self.stack[-1], self.unit, self.width, self.kept)
        return updated_node


def split_long_lines(statement, indent: str, unit: str, width: int, kept: frozenset[str]):
    """The statement with its own too-long lines split; a pass plans every split its positions allow."""
    for _ in range(MAX_PASSES):
        plan = _Plan(statement, indent, unit, width, kept).splits()
        if not plan:
            return statement
        statement = statement.visit(_Explode(plan, unit))
    return statement


class _Plan:
    """The splits one rendering of the statement shows are needed: each too-long line's bracket,
    and inside it, the brackets of elements that are still too long on their own lines."""

    def __init__(self, statement, indent: str, unit: str, width: int, kept: frozenset[str]):
        self.statement, self.indent, self.unit, self.width, self.kept = statement, indent, unit, width, kept
        self.plan: dict = {}  # node -> (depth of its line, trailing comment to move after its opening)

    def splits(self) -> dict:
        module = cst.Module(body=[self.statement], default_indent=self.unit)
        code = module.code_for_node(self.statement)  # the statement alone: cheap, unlike the whole file's text
        lines = code.splitlines()
        if all(len(self.indent) + len(line) <= self.width for line in lines):
            return {}  # the common case: no positions needed
        self.positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        comments = {where.start.line: (node, where.start.column)
                    for node, where in self.positions.items() if isinstance(node, cst.Comment)}
        self.by_line = self._candidates()
        for number, text in enumerate(lines, start=1):
            comment, column = comments.get(number, (None, len(text)))
            code_part = text[:column].rstrip()
            if not code_part.strip() or len(self.indent) + len(code_part) <= self.width:
                continue  # a comment line, or a line that fits
            if text.strip() in self.kept or code_part.strip() in self.kept:
                continue  # a line the migration did not write
            options = self.by_line.get(number, [])
            choice = self._choose(options, lambda node: len(self.indent) + self.positions[node].start.column)
            if choice is not None:  # else nothing to split here (a long string, say)
                self._split(choice, text[: len(text) - len(text.lstrip())], comment)
        return self.plan

    def _candidates(self) -> dict[int, list]:
        """One-line brackets with elements, and operator chains inside brackets, in the statement's own
        lines (not the body of a compound statement), outermost first, by line."""
        body = getattr(self.statement, "body", None)
        end = self.positions[body].start if isinstance(body, BODIES) else None
        found = []
        for node, where in self.positions.items():
            if isinstance(node, cst.Tuple) and not node.lpar:
                continue  # a bare tuple: not a bracket, and its elements are not inside one
            if isinstance(node, (cst.Call, cst.Dict, cst.List, cst.Set, cst.Tuple)):
                items = node.args if isinstance(node, cst.Call) else node.elements
                if items:
                    found.append(node)
                found.extend(item.value for item in items if _chain(item.value))  # may break before an operator
        by_line: dict[int, list] = {}
        for node in sorted(found, key=self._preorder):
            where = self.positions[node]
            if where.start.line == where.end.line and (end is None or (where.end.line, where.end.column) <= (end.line, end.column)):
                by_line.setdefault(where.start.line, []).append(node)
        return by_line

    def _preorder(self, node) -> tuple[int, int, int, int]:
        where = self.positions[node]
        return where.start.line, where.start.column, -where.end.line, -where.end.column

    def _choose(self, options, column_of):
        """The outermost option whose opening line fits; else the one opening first (its head is split later)."""
        best = None
        for node in options:
            head = column_of(node) + _opener_offset(node)
            if head <= self.width:
                return node
            if best is None or head < best[0]:
                best = (head, node)
        return best[1] if best is not None else None

    def _split(self, node, depth: str, comment) -> None:
        """Plan ``node``'s split, then those of its elements that would still be too long."""
        self.plan[node] = (depth, comment)
        where = self.positions[node]
        options = [o for o in self.by_line.get(where.start.line, []) if o is not node and _inside(self.positions[o], where)]
        if _chain(node):
            items, inner = _operands(node), depth
            prefixes = [0] + [len(_CODE.code_for_node(op).strip()) + 1 for op in _operators(node)]
        else:
            items, inner = list(node.args if isinstance(node, cst.Call) else node.elements), depth + self.unit
            prefixes = [0] * len(items)
        for item, prefix in zip(items, prefixes):
            at = self.positions[item]
            start = len(self.indent) + len(inner) + prefix
            if start + at.end.column - at.start.column + 1 <= self.width:  # + its comma or bracket
                continue
            mine = [o for o in options if _inside(self.positions[o], at)]
            choice = self._choose(mine, lambda o: start + self.positions[o].start.column - at.start.column)
            if choice is not None:
                self._split(choice, inner, None)


def _inside(inner, outer) -> bool:
    return outer.start.column <= inner.start.column and inner.end.column <= outer.end.column


_CODE = cst.Module([])


def _opener_offset(node) -> int:
    """Characters from the node's start up to and including its opening bracket (a chain: its first operand)."""
    parens = sum(len(_CODE.code_for_node(p)) for p in node.lpar)
    if _chain(node):
        return parens + len(_CODE.code_for_node(_operands(node)[0]))
    if isinstance(node, cst.Call):
        return parens + len(_CODE.code_for_node(node.func)) + len(node.whitespace_after_func.value) + 1
    if isinstance(node, cst.Tuple):
        return parens - len(_CODE.code_for_node(node.lpar[-1].whitespace_after))
    return parens + 1


def _break(depth: str, comment: cst.Comment | None = None) -> cst.ParenthesizedWhitespace:
    """A line break inside brackets, the next line at ``depth`` beyond the block's indentation."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  " if comment else ""), comment=comment),
        indent=True,
        last_line=cst.SimpleWhitespace(depth),
    )


class _Explode(cst.CSTTransformer):
    """Carries out a plan: each node split at its depth, a trailing comment moved after its opening bracket."""

    def __init__(self, plan: dict, unit: str):
        self.plan, self.unit = plan, unit
        self.comments = {id(comment) for _depth, comment in plan.values() if comment is not None}

    def leave_TrailingWhitespace(self, original_node, updated_node):
        if original_node.comment is not None and id(original_node.comment) in self.comments:
            return updated_node.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        return updated_node

    def on_leave(self, original_node, updated_node):
        updated_node = super().on_leave(original_node, updated_node)
        planned = self.plan.get(original_node)
        if planned is not None:
            depth, comment = planned
            if _chain(updated_node):
                return split_chain(updated_node, depth, comment)
            return explode(updated_node, depth, self.unit, comment)
        return updated_node


def explode(node: Container, depth: str, unit: str, comment: cst.Comment | None = None) -> Container:
    """``node`` with one element per line: elements at ``depth + unit``, the closing bracket at ``depth``."""
    opening, closing = _break(depth + unit, comment), _break(depth)
    items = list(node.args if isinstance(node, cst.Call) else node.elements)
    comma_last = len(items) > 1 or isinstance(items[-1].comma, cst.Comma) or isinstance(node, cst.Tuple)
    spread = []
    for index, item in enumerate(items):
        last = index == len(items) - 1
        if not last or comma_last:
            after = closing if last else _break(depth + unit)
            item = item.with_changes(comma=cst.Comma(whitespace_after=after))
        elif isinstance(item, cst.Arg):
            item = item.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        if isinstance(item, cst.Arg):
            item = item.with_changes(whitespace_after_arg=closing if last and not comma_last else cst.SimpleWhitespace(""))
        spread.append(item)
    before_close = cst.SimpleWhitespace("") if comma_last else closing
    if isinstance(node, cst.Call):
        return node.with_changes(args=spread, whitespace_before_args=opening)
    if isinstance(node, (cst.Dict, cst.Set)):
        return node.with_changes(
            elements=spread, lbrace=node.lbrace.with_changes(whitespace_after=opening),
            rbrace=node.rbrace.with_changes(whitespace_before=before_close),
        )
    if isinstance(node, cst.List):
        return node.with_changes(
            elements=spread, lbracket=node.lbracket.with_changes(whitespace_after=opening),
            rbracket=node.rbracket.with_changes(whitespace_before=before_close),
        )
    lpar = [*node.lpar[:-1], node.lpar[-1].with_changes(whitespace_after=opening)]
    rpar = [node.rpar[0].with_changes(whitespace_before=before_close), *node.rpar[1:]]
    return node.with_changes(elements=spread, lpar=lpar, rpar=rpar)


def _priority(node) -> int | None:
    if not isinstance(node, (cst.BinaryOperation, cst.BooleanOperation)):
        return None
    return next((rank for rank, kinds in enumerate(PRIORITIES) if isinstance(node.operator, kinds)), None)


def _chain(node) -> bool:
    """An operation with a line break allowed before its operators (``**`` and comparisons are not)."""
    return _priority(node) is not None


def _same_chain(node, priority: int | None) -> bool:
    return not node.lpar and _priority(node) == priority


def _operands(node: Chain) -> list:
    """``a + b - c`` -> [a, b, c] (left to right, one priority, parenthesised parts are one operand)."""
    priority = _priority(node)
    left = _operands(node.left) if _same_chain(node.left, priority) else [node.left]
    return [*left, node.right]


def _operators(node: Chain) -> list:
    """``a + b - c`` -> [+, -]."""
    priority = _priority(node)
    left = _operators(node.left) if _same_chain(node.left, priority) else []
    return [*left, node.operator]


def split_chain(node: Chain, depth: str, comment: cst.Comment | None = None, priority: int | None = None) -> Chain:
    """A line break before each operator of the chain; ``comment`` goes after the first operand."""
    priority = _priority(node) if priority is None else priority
    left = node.left
    if _same_chain(left, priority):
        left, comment = split_chain(left, depth, comment, priority), None
    operator = node.operator.with_changes(whitespace_before=_break(depth, comment))
    return node.with_changes(left=left, operator=operator)


# --- markers ---------------------------------------------------------------------


def marker_lines(text: str, width: int) -> list[str]:
    """``# ionos-migrate: <text>`` wrapped to ``width`` characters, the later lines starting ``#   ``."""
    return textwrap.wrap(
        " ".join(text.split()), width=max(width, MIN_MARKER_WIDTH), initial_indent=MARKER + " ",
        subsequent_indent=CONTINUATION, break_long_words=False, break_on_hyphens=False,
    ) or [MARKER]


def marker_texts(comments) -> set[str]:
    """The texts of the markers among consecutive comment lines, wrapped or on one line, spaces normalised."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for comment in comments:
        if comment is None:
            current = None
        elif comment.startswith(MARKER):
            current = [comment[len(MARKER):]]
            found.append(current)
        elif current is not None and comment.startswith(CONTINUATION):
            current.append(comment[len(CONTINUATION):])
        else:
            current = None
    return {" ".join(" ".join(parts).split()) for parts in found}


def without_markers(lines):
    """``lines`` (EmptyLines) without ``# ionos-migrate:`` markers and their continuation lines."""
    kept, inside = [], False
    for line in lines:
        value = line.comment.value if line.comment is not None else None
        if value is not None and value.startswith(MARKER):
            inside = True
            continue
        if inside and value is not None and value.startswith(CONTINUATION):
            continue
        inside = False
        kept.append(line)
    return kept
