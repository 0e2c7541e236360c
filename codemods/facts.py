"""The project phase's cheap read of one module, with the stdlib parser.

:func:`collect_facts` parses a module once with :mod:`ast` and returns a
:class:`ModuleFacts`: its string constants, its imports, whether it names
IONOS, how many strong and weak legacy signals it holds (:mod:`.shapes`),
the environment variables its constants read, its classes (bases, signals,
requests) and the calls that pass a strong signal to a project class.
:mod:`.project` joins the facts of every module into one ``ProjectIndex``.
Stdlib only, and cheap: it runs over every file the prefilter keeps.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterator

from . import shapes
from .constants import collect_constants_from_tree

HTTP_METHODS = {"post", "get", "put", "patch", "request", "urlopen", "Request"}
ENV_CALLS = {"os.getenv", "getenv", "os.environ.get", "environ.get"}


@dataclass(frozen=True)
class Signal:
    kind: str  # legacy-url, legacy-body, legacy-model-id (strong); predictions-path, legacy-answer, inner-body (weak)
    line: int
    strength: shapes.Strength


@dataclass(frozen=True)
class ClassFacts:
    name: str
    line: int
    end_line: int
    bases: tuple[str, ...]  # dotted, as written
    signals: tuple[Signal, ...]
    requests: tuple[int, ...]  # lines of HTTP-looking calls in its methods


@dataclass(frozen=True)
class CallFacts:
    """A call of a name (a class, most often) that passes a strong signal: ``IonosClient(base_url="https://...")``."""

    callee: str  # dotted, as written
    line: int
    end_line: int


@dataclass(frozen=True)
class ModuleFacts:
    constants: dict[str, str] = field(default_factory=dict)
    imports: tuple[tuple[str, str | None, int, str], ...] = ()  # (module, name or None, relative level, local name)
    mentions_ionos: bool = False
    signals: tuple[Signal, ...] = ()
    env_constants: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # constant -> (variable, default)
    classes: tuple[ClassFacts, ...] = ()
    calls: tuple[CallFacts, ...] = ()
    # module-level names (and Class.member) whose value holds a retired URL or a /predictions path:
    # a use of one in another module is a signal there (``session.post(ENDPOINTS["chat"])``)
    legacy_names: dict[str, str] = field(default_factory=dict)
    parsed: bool = True

    @property
    def strong(self) -> int:
        return sum(1 for s in self.signals if s.strength == "strong")

    @property
    def weak(self) -> int:
        return sum(1 for s in self.signals if s.strength == "weak")


def collect_facts(source: str, legacy_ids: frozenset[str] = frozenset()) -> ModuleFacts:
    """Facts of one module; a module that does not parse has none (the file phase reports it)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ModuleFacts(mentions_ionos=shapes.mentions_ionos(source), parsed=False)
    constants = collect_constants_from_tree(tree)
    env_constants = _env_constants(tree)
    try:
        known = {**{name: default for name, (_var, default) in env_constants.items() if default}, **constants}
        reader = _Reader(legacy_ids, known)
        reader.read(tree)
    except RecursionError:
        return ModuleFacts(mentions_ionos=shapes.mentions_ionos(source), parsed=False)
    return ModuleFacts(
        constants=constants,
        imports=tuple(_imports(tree)),
        mentions_ionos=shapes.mentions_ionos(source),
        signals=tuple(reader.signals),
        env_constants=env_constants,
        classes=tuple(reader.classes),
        calls=tuple(reader.calls),
        legacy_names=_legacy_names(tree, reader.signals),
    )


NAMED_KINDS = ("legacy-url", "predictions-path")


def _legacy_names(tree: ast.Module, signals: list[Signal]) -> dict[str, str]:
    """Module-level names and class members whose definition holds a retired URL or a /predictions path."""
    lines = {s.line: s.kind for s in signals if s.kind in NAMED_KINDS}
    if not lines:
        return {}
    found: dict[str, str] = {}

    def holds(node: ast.AST) -> str | None:
        return next((lines[n] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1) if n in lines), None)

    for statement in tree.body:
        for name in _assigned(statement):
            kind = holds(statement)
            if kind:
                found[name] = kind
        if isinstance(statement, ast.ClassDef):
            for member in statement.body:
                names = [member.name] if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) else _assigned(member)
                kind = holds(member) if names else None
                for name in names if kind else ():
                    found[f"{statement.name}.{name}"] = kind
    return found


def _assigned(statement: ast.AST) -> list[str]:
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def _imports(tree: ast.Module) -> Iterator[tuple[str, str | None, int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, 0, alias.asname or alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                yield node.module or "", alias.name, node.level, alias.asname or alias.name


def _env_constants(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """``API_URL = os.getenv("IONOS_API_URL", "x")`` -> ``{"API_URL": ("IONOS_API_URL", "x")}``."""
    found = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        variable = env_variable(value)
        if isinstance(target, ast.Name) and variable:
            found[target.id] = variable
    return found


def env_variable(node: ast.AST) -> tuple[str, str | None] | None:
    """(variable, literal default) of ``os.getenv("X", "d")``/``os.environ["X"]`` (through ``.rstrip()`` and ``or``)."""
    while True:
        if isinstance(node, ast.BoolOp):
            node = node.values[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("rstrip", "strip"):
            node = node.func.value
        else:
            break
    if isinstance(node, ast.Call) and dotted(node.func) in ENV_CALLS and node.args:
        first = node.args[0]
        default = node.args[1] if len(node.args) > 1 else None
        text = default.value if isinstance(default, ast.Constant) and isinstance(default.value, str) else None
        return (first.value, text) if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    if isinstance(node, ast.Subscript) and dotted(node.value) in ("os.environ", "environ"):
        key = node.slice
        return (key.value, None) if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    return None


def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def string_text(node: ast.AST, known: dict[str, str] | None = None) -> str | None:
    """A string literal's text; an f-string's, its expressions read from ``known`` (``NAME``,
    ``cls.NAME``/``self.NAME``: constants and class attributes), else ``DYNAMIC``; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_piece(v, known or {}) for v in node.values)
    return None


def _piece(value: ast.AST, known: dict[str, str]) -> str:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.FormattedValue) and value.format_spec is None:
        inner = value.value
        if isinstance(inner, ast.Name) and inner.id in known:
            return known[inner.id]
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id in ("cls", "self"):
            return known.get(f"{inner.value.id}.{inner.attr}", shapes.DYNAMIC)
    return shapes.DYNAMIC


def dict_shape(node: ast.Dict, depth: int = 0) -> shapes.Shape:
    shape: shapes.Shape = {}
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if isinstance(value, ast.Dict) and depth < 1:
                shape[key.value] = dict_shape(value, depth + 1)
            elif isinstance(value, ast.Dict):
                shape[key.value] = {}
            elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                shape[key.value] = value.value
            else:
                shape[key.value] = shapes.EXPR
    return shape


def key_chain(node: ast.AST) -> list[str]:
    """``raw["properties"]["output"]`` / ``raw.get("properties", {}).get("output")`` -> the keys, outermost last."""
    keys: list[str] = []
    while True:
        if isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.append(key.value)
            node = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            keys.append(node.args[0].value)
            node = node.func.value
        else:
            break
    return keys[::-1]


def _class_strings(node: ast.ClassDef, known: dict[str, str]) -> dict[str, str]:
    """``cls.X``/``self.X`` for the class's string attributes (a literal, or an env var's default)."""
    found = {}
    for statement in node.body:
        for name in _assigned(statement):
            value = statement.value
            text = string_text(value, known) if value is not None else None
            if text is None and value is not None:
                variable = env_variable(value)
                text = variable[1] if variable else None
            if text is not None and shapes.DYNAMIC not in text:
                found[f"cls.{name}"] = found[f"self.{name}"] = text
    return found


class _Reader:
    """One walk: signals (with the class they sit in), classes, and calls that pass a strong signal."""

    def __init__(self, legacy_ids: frozenset[str], known: dict[str, str] | None = None) -> None:
        self.legacy_ids = legacy_ids
        self.known = dict(known or {})  # module constants; class attributes join while a class is read
        self.signals: list[Signal] = []
        self.classes: list[ClassFacts] = []
        self.calls: list[CallFacts] = []

    def read(self, tree: ast.Module) -> None:
        self._block(tree.body, [])

    def _block(self, body: list[ast.stmt], into: list[Signal]) -> None:
        for statement in body:
            if _is_docstring(statement):
                continue
            if isinstance(statement, ast.ClassDef):
                self._class(statement, into)
            else:
                self._node(statement, into, [])

    def _class(self, node: ast.ClassDef, outer: list[Signal]) -> None:
        mine: list[Signal] = []
        requests: list[int] = []
        outer_known = self.known
        self.known = {**outer_known, **_class_strings(node, outer_known)}
        for decorator in node.decorator_list:
            self._node(decorator, mine, requests)
        for statement in node.body:
            if _is_docstring(statement):
                continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = statement.body[1:] if statement.body and _is_docstring(statement.body[0]) else statement.body
                for inner in body:
                    self._node(inner, mine, requests)
                for default in (*statement.args.defaults, *statement.args.kw_defaults):
                    if default is not None:
                        self._node(default, mine, requests)
            elif isinstance(statement, ast.ClassDef):
                self._class(statement, mine)
            else:
                self._node(statement, mine, requests)
        bases = tuple(name for name in (dotted(base) for base in node.bases) if name)
        self.classes.append(ClassFacts(node.name, node.lineno, node.end_lineno or node.lineno, bases, tuple(mine),
                                       tuple(requests)))
        outer.extend(mine)
        self.known = outer_known

    def _node(self, root: ast.AST, into: list[Signal], requests: list[int]) -> None:
        stack: list[tuple[ast.AST, bool]] = [(root, False)]
        while stack:
            node, in_decorator = stack.pop()
            if isinstance(node, ast.ClassDef):
                self._class(node, into)
                continue
            found = self._signal(node, in_decorator)
            if found is not None:
                self._add(found, into)
            if isinstance(node, ast.Call):
                self._call(node, requests)
            if isinstance(node, ast.JoinedStr):
                continue  # its pieces were read as one string
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.extend((d, True) for d in node.decorator_list)
                body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
                stack.extend((child, in_decorator) for child in body)
                stack.extend((d, in_decorator) for d in (*node.args.defaults, *node.args.kw_defaults) if d is not None)
                continue
            stack.extend((child, in_decorator) for child in ast.iter_child_nodes(node))

    def _add(self, signal: Signal, into: list[Signal]) -> None:
        self.signals.append(signal)
        into.append(signal)

    def _signal(self, node: ast.AST, in_decorator: bool) -> Signal | None:
        line = getattr(node, "lineno", 0)
        text = string_text(node, self.known)
        if text is not None:
            if shapes.legacy_url_kind(text):
                return Signal("legacy-url", line, "strong")
            if isinstance(node, ast.Constant) and node.value.lower() in self.legacy_ids:
                return Signal("legacy-model-id", line, "strong")
            if not in_decorator and shapes.is_predictions_piece(text):
                return Signal("predictions-path", line, "weak")
            return None
        if isinstance(node, ast.Dict):
            shape = dict_shape(node)
            if shapes.is_legacy_body(shape):
                return Signal("legacy-body", line, "strong")
            if shapes.is_inner_body(shape):
                return Signal("inner-body", line, "weak")
            return None
        if isinstance(node, (ast.Subscript, ast.Call)):
            read = shapes.answer_read(key_chain(node))
            if read is not None:
                return Signal("legacy-answer", line, "weak")
        return None

    def _call(self, node: ast.Call, requests: list[int]) -> None:
        name = dotted(node.func) or ""
        last = name.rsplit(".", 1)[-1] if name else (node.func.attr if isinstance(node.func, ast.Attribute) else "")
        if last in HTTP_METHODS:
            first = node.args[0] if node.args else None
            key = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            if not (last == "get" and key is not None and "/" not in key):  # d.get("properties") reads a dict
                requests.append(node.lineno)
            return
        if not name:
            return
        for argument in (*node.args, *(k.value for k in node.keywords)):
            text = string_text(argument)
            if (text is not None and shapes.legacy_url_kind(text)) or (
                isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                and argument.value.lower() in self.legacy_ids
            ):
                self.calls.append(CallFacts(name, node.lineno, node.end_lineno or node.lineno))
                return


def _is_docstring(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str))
