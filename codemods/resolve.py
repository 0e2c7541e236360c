"""What a string expression evaluates to, as far as the source says.

The resolver turns an expression (a URL, a model id) into a tuple of parts:
literal text, or :class:`Dyn` for a piece only known at run time (an
environment variable, a parameter, a config object). A ``Dyn`` remembers the
expression and the scope it is valid in, so a rule can re-emit it elsewhere
(``IONOS_LEGACY_MODELS.get(MODEL, MODEL)``), and a default where the source
gives one (``os.getenv("X", "default")``).

It follows names through assignments (function, enclosing function, module),
class attributes and ``self.x`` set once in ``__init__``, small helpers that
``return`` a string (``self._url()``), dict configs (``CONFIG["BASE"]``),
f-strings, ``%``, ``.format()``, ``+`` and constants of other project modules
(:class:`ProjectIndex`). Nothing is executed.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator, Mapping, Optional, Union

import libcst as cst

from .api import ProjectIndex

MAX_DEPTH = 24
Scope = Union[cst.Module, cst.FunctionDef, cst.ClassDef, cst.Lambda]


@dataclass(frozen=True, eq=False)
class Dyn:
    """A run-time piece of a string."""

    node: cst.BaseExpression
    scope: Scope  # where ``node`` is a valid expression
    default: Optional[str] = None


Part = Union[str, Dyn]
Parts = tuple  # tuple[Part, ...]


def literal_text(parts: Parts | None) -> str | None:
    """The whole text when every part is literal."""
    if parts is None or any(isinstance(p, Dyn) for p in parts):
        return None
    return "".join(parts)


def text_with_defaults(parts: Parts) -> str | None:
    """The text with each run-time piece replaced by its default (None: no default)."""
    out = []
    for part in parts:
        if isinstance(part, Dyn):
            if part.default is None:
                return None
            out.append(part.default)
        else:
            out.append(part)
    return "".join(out)


def _join(*groups: Parts | None) -> Parts | None:
    out: list[Part] = []
    for group in groups:
        if group is None:
            return None
        for part in group:
            if isinstance(part, str) and out and isinstance(out[-1], str):
                out[-1] += part
            elif part != "":
                out.append(part)
    return tuple(out)


def string_value(node: cst.CSTNode) -> str | None:
    """The value of a plain (non-f, non-bytes) string literal."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):  # iterative: generated files nest thousands deep
        pieces = []
        stack: list[cst.CSTNode] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.ConcatenatedString):
                stack.extend((current.right, current.left))
            elif isinstance(current, cst.SimpleString) and isinstance(current.evaluated_value, str):
                pieces.append(current.evaluated_value)
            else:
                return None
        return "".join(pieces)
    return None


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


# --- the module's bindings ------------------------------------------------


class _Bindings(cst.CSTVisitor):
    """Names bound directly in one scope (not in nested functions or classes)."""

    def __init__(self) -> None:
        self.values: dict[str, list[Optional[cst.BaseExpression]]] = {}
        self.annotated: set[str] = set()  # ``name: type = value``: in a class body, a field an instance may override
        self.defs: dict[str, cst.CSTNode] = {}
        self.imports: dict[str, tuple[str, Optional[str], int]] = {}
        self.self_attrs: dict[str, list[tuple[cst.BaseExpression, cst.FunctionDef]]] = {}
        self.current_function: Optional[cst.FunctionDef] = None

    def bind(self, name: str, value: Optional[cst.BaseExpression]) -> None:
        self.values.setdefault(name, []).append(value)

    def _targets(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._targets(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._targets(target.value, None)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._targets(target.target, node.value if len(node.targets) == 1 else None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target, node.value)
        if isinstance(node.target, cst.Name):
            self.annotated.add(node.target.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._targets(node.asname.name, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target, node.value)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.imports[alias.asname.name.value] = (full, None, 0)
            else:
                first = full.split(".")[0]
                self.imports[first] = (first, None, 0)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module is not None else ""
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self.imports[local] = (module or "", name, len(node.relative))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.defs[node.name.value] = node
        self.bind(node.name.value, None)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.defs[node.name.value] = node
        self.bind(node.name.value, None)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return False

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return False

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return False

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return False


def _statements(block: cst.BaseSuite) -> list[cst.CSTNode]:
    return list(block.body) if isinstance(block, cst.IndentedBlock) else []


def _visit_iteratively(roots: list[cst.CSTNode], visitor: cst.CSTVisitor, children) -> None:
    """Call ``visitor.visit_<Node>`` for every node under ``roots`` without recursion;
    a visit method returning False keeps its node's children out."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        method = getattr(visitor, f"visit_{type(node).__name__}", None)
        if method is not None and method(node) is False:
            continue
        stack.extend(reversed(children(node)))


class _SelfAttrs(cst.CSTVisitor):
    """``self.x = value`` assignments inside the methods of one class (nested defs excluded)."""

    def __init__(self) -> None:
        self.values: dict[str, list[tuple[cst.BaseExpression, cst.FunctionDef]]] = {}
        self.method: Optional[cst.FunctionDef] = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            t = target.target
            if (
                self.method is not None
                and isinstance(t, cst.Attribute)
                and isinstance(t.value, cst.Name)
                and t.value.value == "self"
            ):
                value = node.value if len(node.targets) == 1 else None
                self.values.setdefault(t.attr.value, []).append((value, self.method))


def _tree(module: cst.Module) -> tuple[dict[cst.CSTNode, cst.CSTNode], dict[cst.CSTNode, tuple]]:
    """Parent and children of every node, in one pass (libcst computes ``children`` by visiting: do it once)."""
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    kids: dict[cst.CSTNode, tuple] = {}
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        children = tuple(node.children)
        kids[node] = children
        for child in children:
            parents[child] = node
        stack.extend(reversed(children))
    return parents, kids


class ModuleIndex:
    """Parents, scopes and bindings of one parsed module, computed on demand."""

    def __init__(
        self, module: cst.Module, project: ProjectIndex | None = None, module_name: str = "", outer: Mapping[str, str] | None = None
    ):
        self.module = module
        self.project = project or ProjectIndex()
        self.module_name = module_name
        self.outer = dict(outer or {})  # constants defined before this code (earlier notebook cells)
        self._parents: dict[cst.CSTNode, cst.CSTNode] | None = None
        self._kids: dict[cst.CSTNode, tuple] = {}
        self._bindings: dict[cst.CSTNode, _Bindings] = {}
        self._self_attrs: dict[cst.CSTNode, _SelfAttrs] = {}
        self._of_type: dict[type, list] = {}

    @cached_property
    def source(self) -> str:
        """The module's text, generated once: libcst's ``Module.code`` regenerates it on every access."""
        return self.module.code

    @property
    def parents(self) -> dict[cst.CSTNode, cst.CSTNode]:
        if self._parents is None:
            self._parents, self._kids = _tree(self.module)
        return self._parents

    def nodes_of(self, kind: type) -> list:
        """Every node of one type in the module, collected once per type (callers ask per call site)."""
        found = self._of_type.get(kind)
        if found is None:
            found = self._of_type[kind] = [node for node in self.parents if isinstance(node, kind)]
        return found

    def children(self, node: cst.CSTNode) -> tuple:
        if self._parents is None:
            self.parents
        found = self._kids.get(node)
        return found if found is not None else tuple(node.children)

    def walk(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        """``node`` and everything under it, in source order, without recursion."""
        stack = [node]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(self.children(current)))

    def calls(self, node: cst.CSTNode | None = None) -> list[cst.Call]:
        return [n for n in self.walk(node or self.module) if isinstance(n, cst.Call)]

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parents.get(node)
        while current is not None:
            yield current
            current = self.parents.get(current)

    def loads_of(self, name: str, where: cst.CSTNode) -> Iterator[cst.Name]:
        """Every read of ``name`` under ``where`` (not its assignments, definitions, attributes or keywords)."""
        for node in self.walk(where):
            if isinstance(node, cst.Name) and node.value == name:
                parent = self.parent(node)
                if isinstance(parent, (cst.AssignTarget, cst.AsName)) or (
                    isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node
                ):
                    continue
                if isinstance(parent, cst.Attribute) and parent.attr is node:
                    continue
                if isinstance(parent, (cst.Arg,)) and parent.keyword is node:
                    continue
                if isinstance(parent, (cst.Param, cst.FunctionDef, cst.ClassDef)):
                    continue
                yield node

    def scope_of(self, node: cst.CSTNode) -> Scope:
        """The function (or module) whose local names ``node`` sees; class bodies count as scopes."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                return ancestor
            if isinstance(ancestor, cst.ClassDef) and not self._inside_def_of(node, ancestor):
                return ancestor
        return self.module

    def _inside_def_of(self, node: cst.CSTNode, cls: cst.ClassDef) -> bool:
        for ancestor in self.ancestors(node):
            if ancestor is cls:
                return False
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return True
        return False

    def enclosing_class(self, scope: Scope) -> cst.ClassDef | None:
        """The class a method belongs to."""
        if not isinstance(scope, cst.FunctionDef):
            return None
        for ancestor in self.ancestors(scope):
            if isinstance(ancestor, cst.ClassDef):
                return ancestor
            if isinstance(ancestor, (cst.FunctionDef, cst.Module)):
                return None
        return None

    def base_classes(self, cls: cst.ClassDef) -> Iterator[cst.ClassDef]:
        """The classes of this module that ``cls`` names as its bases."""
        for base in cls.bases:
            if isinstance(base.value, cst.Name):
                found = self.lookup(base.value.value, self.module)
                if found and found[0] == "def" and isinstance(found[2], cst.ClassDef):
                    yield found[2]

    def outer_scope(self, scope: Scope) -> Scope | None:
        """The next scope a name lookup tries (class bodies are skipped, as in Python)."""
        if isinstance(scope, cst.Module):
            return None
        for ancestor in self.ancestors(scope):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.Module)):
                return ancestor
        return self.module

    def bindings(self, scope: Scope) -> _Bindings:
        found = self._bindings.get(scope)
        if found is None:
            found = _Bindings()
            roots = list(scope.body) if isinstance(scope, cst.Module) else [scope.body]
            _visit_iteratively(roots, found, self.children)
            self._bindings[scope] = found
        return found

    def self_attrs(self, cls: cst.ClassDef) -> _SelfAttrs:
        found = self._self_attrs.get(cls)
        if found is None:
            found = _SelfAttrs()
            for statement in _statements(cls.body):
                if isinstance(statement, cst.FunctionDef):
                    found.method = statement
                    _visit_iteratively([statement.body], found, self.children)
            self._self_attrs[cls] = found
        return found

    def params(self, scope: Scope) -> dict[str, cst.Param]:
        if not isinstance(scope, (cst.FunctionDef, cst.Lambda)):
            return {}
        p = scope.params
        every = list(p.posonly_params) + list(p.params) + list(p.kwonly_params)
        for star in (p.star_arg, p.star_kwarg):
            if isinstance(star, cst.Param):
                every.append(star)
        return {param.name.value: param for param in every}

    def lookup(self, name: str, scope: Scope) -> tuple[str, Scope, object] | None:
        """Where ``name`` is bound, seen from ``scope``: ("param"|"value"|"multi"|"def"|"import", scope, what)."""
        current: Scope | None = scope
        while current is not None:
            params = self.params(current)
            if name in params:
                return ("param", current, params[name])
            bindings = self.bindings(current)
            if name in bindings.imports:
                return ("import", current, bindings.imports[name])
            if name in bindings.defs and len(bindings.values.get(name, [])) == 1:
                return ("def", current, bindings.defs[name])
            values = bindings.values.get(name)
            if values:
                if len(values) == 1 and values[0] is not None:
                    return ("value", current, values[0])
                return ("multi", current, None)
            current = self.outer_scope(current)
        if name in self.outer:
            return ("constant", self.module, self.outer[name])
        return None

    def project_constant(self, module: str, name: str, level: int) -> str | None:
        """A string constant of another module of the project."""
        value = self.project_value(self.project.constants, module, name, level)
        return value if isinstance(value, str) else None

    def project_env_default(self, module: str, name: str, level: int) -> str | None:
        """The default of ``NAME = os.getenv("X", "<default>")`` in another module of the project."""
        value = self.project_value(self.project.env_constants, module, name, level)
        return value[1] if isinstance(value, tuple) and isinstance(value[1], str) else None

    def project_value(self, table: Mapping[str, Mapping[str, object]], module: str, name: str, level: int) -> object:
        found = self.project_table(table, module, level)
        return found.get(name) if found is not None else None

    def project_table(self, table: Mapping[str, Mapping[str, object]], module: str, level: int) -> Mapping | None:
        """The entry of ``table`` for the module an import names (None: unknown, or ambiguous)."""
        if level:
            package = self.module_name.split(".")[: -level] if self.module_name else []
            tail = [module] if module else []
            # The path may start above the import root (an absolute path): try the longest known suffix.
            candidates = next(
                ([key] for start in range(len(package) + 1) if (key := ".".join(package[start:] + tail)) in table), []
            )
            if not candidates:  # module name unknown: match by suffix, if unique
                suffix = module or ""
                candidates = [key for key in table if suffix and (key == suffix or key.endswith("." + suffix))]
        else:
            candidates = [module] if module in table else []
        tables = []
        for key in candidates:  # one module may be indexed under several dotted names
            if not any(table[key] is seen or table[key] == seen for seen in tables):
                tables.append(table[key])
        return tables[0] if len(tables) == 1 else None


# --- the resolver -----------------------------------------------------------


URLJOIN = {"urljoin", "urllib.parse.urljoin", "parse.urljoin"}
ENV_CALLS = {"os.getenv", "getenv", "os.environ.get", "environ.get"}
ENV_MAPPINGS = {"os.environ", "environ"}


class Resolver:
    def __init__(self, index: ModuleIndex):
        self.index = index

    def parts(self, node: cst.BaseExpression, scope: Scope, env: Mapping[str, Parts] | None = None, depth: int = 0) -> Parts:
        """Never fails: what cannot be followed becomes a ``Dyn`` of the expression itself."""
        found = self._parts(node, scope, env or {}, depth)
        return found if found is not None else (Dyn(node, scope),)

    def _parts(self, node: cst.BaseExpression, scope: Scope, env: Mapping[str, Parts], depth: int) -> Parts | None:
        if depth > MAX_DEPTH:
            return None
        value = string_value(node)
        if value is not None:
            return (value,)
        recurse = lambda n, s=scope, e=env: self.parts(n, s, e, depth + 1)  # noqa: E731
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, recurse)
        if isinstance(node, cst.ConcatenatedString):
            return _join(recurse(node.left), recurse(node.right))
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                left, right = recurse(node.left), recurse(node.right)
                if _is_opaque(left, node.left) and _is_opaque(right, node.right):
                    return None
                return _join(left, right)
            if isinstance(node.operator, cst.Modulo):
                return self._percent(node, recurse)
            return None
        if isinstance(node, cst.Name):
            if node.value in env:
                return env[node.value]
            return self._name(node, scope, depth)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, scope, env, depth)
        if isinstance(node, cst.Call):
            return self._call(node, scope, env, depth, recurse)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, scope, env, depth)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            return self._or(node, scope, recurse)
        return None

    def _or(self, node: cst.BooleanOperation, scope: Scope, recurse) -> Parts | None:
        """``form.get("model") or DEFAULT``: a run-time value whose default is the right side."""
        left = literal_text(recurse(node.left))
        if left:
            return (left,)
        right = recurse(node.right)
        default = text_with_defaults(right) if right is not None else None
        return (Dyn(node, scope, default),)

    # -- pieces --

    def _fstring(self, node: cst.FormattedString, recurse) -> Parts | None:
        out: list[Parts | None] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append((part.value.replace("{{", "{").replace("}}", "}"),))
            elif part.conversion is None and part.format_spec is None:
                out.append(recurse(part.expression))
            else:
                return None
        return _join(*out)

    def _percent(self, node: cst.BinaryOperation, recurse) -> Parts | None:
        template = string_value(node.left)
        if template is None:
            return None
        args = node.right.elements if isinstance(node.right, cst.Tuple) else None
        values = [e.value for e in args] if args is not None else [node.right]
        pieces = template.split("%s")
        if len(pieces) - 1 != len(values) or "%" in "".join(pieces).replace("%%", ""):
            return None
        out: list[Parts | None] = [(pieces[0].replace("%%", "%"),)]
        for value, text in zip(values, pieces[1:]):
            out.append(recurse(value))
            out.append((text.replace("%%", "%"),))
        return _join(*out)

    def _format(self, template: str, call: cst.Call, recurse) -> Parts | None:
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        out: list[Parts | None] = []
        auto = 0
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError:
            return None
        for text, field_name, spec, conversion in parsed:
            out.append((text,))
            if field_name is None:
                continue
            if spec or conversion:
                return None
            if field_name == "":
                index, auto = auto, auto + 1
                if index >= len(positional):
                    return None
                out.append(recurse(positional[index]))
            elif field_name.isdigit():
                if int(field_name) >= len(positional):
                    return None
                out.append(recurse(positional[int(field_name)]))
            elif field_name in keywords:
                out.append(recurse(keywords[field_name]))
            else:
                return None
        return _join(*out)

    def _name(self, node: cst.Name, scope: Scope, depth: int) -> Parts | None:
        found = self.index.lookup(node.value, scope)
        if found is None:
            return None
        kind, where, what = found
        if kind == "value":
            parts = self.parts(what, where, None, depth + 1)  # type: ignore[arg-type]
            if len(parts) == 1 and isinstance(parts[0], Dyn):
                # Keep the name, not the expression behind it: ``MODEL_ID`` reads better than ``os.getenv(...)``.
                return (Dyn(node, scope, parts[0].default),)
            return parts
        if kind == "param":
            default = what.default if isinstance(what, cst.Param) else None  # type: ignore[union-attr]
            text = None
            if default is not None:  # a default is evaluated where the function is defined
                text = literal_text(self.parts(default, self.index.scope_of(where), None, depth + 1))
            return (Dyn(node, where, text),)
        if kind == "import":
            module, name, level = what  # type: ignore[misc]
            if name is None:
                return None
            value = self.index.project_constant(module, name, level)
            return (value,) if value is not None else None
        if kind == "multi":
            return (Dyn(node, where),)
        if kind == "constant":
            return (what,)  # type: ignore[return-value]
        return None

    def _attribute(self, node: cst.Attribute, scope: Scope, env, depth: int) -> Parts | None:
        owner = node.value
        attr = node.attr.value
        if isinstance(owner, cst.Name):
            if owner.value in ("self", "cls"):
                cls = self.index.enclosing_class(scope)
                if cls is not None:
                    parts = self._class_attr(cls, attr, depth)
                    if parts is not None and owner.value == "self" and self._overridable(cls, attr):
                        # A dataclass/pydantic field, or set again on the instance: the class value is only a default.
                        return (Dyn(node, cls, text_with_defaults(parts)),)
                    return parts or self._instance_attr(cls, attr, node, depth)
            found = self.index.lookup(owner.value, scope)
            if found and found[0] == "def" and isinstance(found[2], cst.ClassDef):
                return self._class_attr(found[2], attr, depth)
            if found and found[0] == "import" and found[2][1] is None:  # type: ignore[index]
                value = self.index.project_constant(found[2][0], attr, 0)  # type: ignore[index]
                return (value,) if value is not None else None
            if found and found[0] == "import":  # from pkg import settings; settings.X
                module, name, level = found[2]  # type: ignore[misc]
                full = f"{module}.{name}" if module else name
                value = self.index.project_constant(full, attr, level)
                return (value,) if value is not None else None
        return None

    def _class_attr(self, cls: cst.ClassDef, attr: str, depth: int, seen: int = 0) -> Parts | None:
        bindings = self.index.bindings(cls)
        values = bindings.values.get(attr)
        if values:
            if len(values) == 1 and values[0] is not None:
                return self.parts(values[0], cls, None, depth + 1)
            return None
        if seen > 8:
            return None
        for base in self.index.base_classes(cls):
            parts = self._class_attr(base, attr, depth, seen + 1)
            if parts is not None:
                return parts
        return None

    def _overridable(self, cls: cst.ClassDef, attr: str, seen: int = 0) -> bool:
        """``attr: str = "..."`` (a field) in the class or a base, or ``self.attr = ...`` in a method."""
        if attr in self.index.bindings(cls).annotated or attr in self.index.self_attrs(cls).values:
            return True
        if seen > 8:
            return False
        return any(self._overridable(base, attr, seen + 1) for base in self.index.base_classes(cls))

    def _instance_attr(self, cls: cst.ClassDef, attr: str, node: cst.Attribute, depth: int) -> Parts | None:
        """``self.x`` assigned once in the class: its value, or a ``Dyn`` valid in every method."""
        values = self.index.self_attrs(cls).values.get(attr)
        if not values or len(values) != 1 or values[0][0] is None:
            return None
        value, method = values[0]
        parts = self.parts(value, method, None, depth + 1)
        if literal_text(parts) is not None:
            return parts
        default = text_with_defaults(parts)
        return (Dyn(node, cls, default),)

    def _call(self, node: cst.Call, scope: Scope, env, depth: int, recurse) -> Parts | None:
        func = dotted_name(node.func)
        if func in ENV_CALLS:
            default = None
            if len(node.args) >= 2:
                default = literal_text(recurse(node.args[1].value))
            return (Dyn(node, scope, default),)
        if func == "str" and len(node.args) == 1:
            return recurse(node.args[0].value)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
            template = literal_text(recurse(node.func.value))
            if template is not None:
                return self._format(template, node, recurse)
            return None
        if func in URLJOIN and len(node.args) == 2:
            return _urljoin(recurse(node.args[0].value), recurse(node.args[1].value))
        if (
            isinstance(node.func, cst.Attribute) and node.func.attr.value == "join" and len(node.args) == 1
            and isinstance(node.args[0].value, (cst.List, cst.Tuple))
        ):
            separator = literal_text(recurse(node.func.value))
            if separator is None:
                return None
            pieces: list[Parts | None] = []
            for index, element in enumerate(node.args[0].value.elements):
                if isinstance(element, cst.StarredElement):
                    return None
                if index:
                    pieces.append((separator,))
                pieces.append(recurse(element.value))
            return _join(*pieces)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("rstrip", "strip") and not node.args:
            inner = recurse(node.func.value)
            text = literal_text(inner)
            return (text.rstrip() if node.func.attr.value == "rstrip" else text.strip(),) if text is not None else None
        return self._helper_call(node, scope, env, depth)

    def _helper_call(self, node: cst.Call, scope: Scope, env, depth: int) -> Parts | None:
        """A project function or method that returns one string expression."""
        target = self.callee(node, scope)
        if target is None:
            return None
        returned = single_return(target)
        if returned is None:
            return None
        bound = self._bind_args(target, node, scope, depth)
        if bound is None:
            return None
        return self.parts(returned, target, bound, depth + 1)

    def callee(self, call: cst.Call, scope: Scope) -> cst.FunctionDef | None:
        """The module function or same-class method a call goes to."""
        func = call.func
        if isinstance(func, cst.Name):
            found = self.index.lookup(func.value, scope)
            if found and found[0] == "def" and isinstance(found[2], cst.FunctionDef):
                return found[2]
            return None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            cls = self.index.enclosing_class(scope)
            return self.method(cls, func.attr.value) if cls is not None else None
        return None

    def callers(self, function: cst.FunctionDef) -> Iterator[cst.Call]:
        """The calls in this module that go to ``function``."""
        name = function.name.value
        for node in self.index.nodes_of(cst.Call):
            func = node.func
            short = func.value if isinstance(func, cst.Name) else (func.attr.value if isinstance(func, cst.Attribute) else None)
            if short == name and self.callee(node, self.index.scope_of(node)) is function:
                yield node

    def method(self, cls: cst.ClassDef, name: str, seen: int = 0) -> cst.FunctionDef | None:
        bindings = self.index.bindings(cls)
        found = bindings.defs.get(name)
        if isinstance(found, cst.FunctionDef):
            return found
        if seen > 8:
            return None
        for base in self.index.base_classes(cls):
            method = self.method(base, name, seen + 1)
            if method is not None:
                return method
        return None

    def _bind_args(self, target: cst.FunctionDef, call: cst.Call, scope: Scope, depth: int) -> dict[str, Parts] | None:
        names = positional_names(target)
        if names and names[0] in ("self", "cls") and isinstance(call.func, cst.Attribute):
            names = names[1:]
        bound: dict[str, Parts] = {}
        for index, arg in enumerate(call.args):
            if arg.star:
                return None
            if arg.keyword is not None:
                bound[arg.keyword.value] = self.parts(arg.value, scope, None, depth + 1)
            elif index < len(names):
                bound[names[index]] = self.parts(arg.value, scope, None, depth + 1)
            else:
                return None
        every = list(target.params.posonly_params) + list(target.params.params) + list(target.params.kwonly_params)
        for param in every:
            name = param.name.value
            if name in bound or name in ("self", "cls"):
                continue
            if param.default is None:
                return None
            bound[name] = self.parts(param.default, self.index.scope_of(target), None, depth + 1)
        return bound

    def _subscript(self, node: cst.Subscript, scope: Scope, env, depth: int) -> Parts | None:
        if dotted_name(node.value) in ENV_MAPPINGS:
            return (Dyn(node, scope),)
        key = subscript_key(node)
        if not isinstance(key, str):
            return None
        mapping = self.dict_literal(node.value, scope, depth)
        if mapping is None:
            return None
        table, where = mapping
        for element in table.elements:
            if isinstance(element, cst.DictElement) and string_value(element.key) == key:
                return self.parts(element.value, where, None, depth + 1)
        return None

    def dict_literal(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> tuple[cst.Dict, Scope] | None:
        """A dict display the expression names (directly or through one-time assignments)."""
        for _ in range(MAX_DEPTH):
            if isinstance(node, cst.Dict):
                return node, scope
            if isinstance(node, cst.Name):
                found = self.index.lookup(node.value, scope)
                if not found or found[0] != "value":
                    return None
                node, scope = found[2], found[1]  # type: ignore[assignment]
                continue
            if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
                cls = self.index.enclosing_class(scope)
                if cls is None:
                    return None
                values = self.index.bindings(cls).values.get(node.attr.value)
                if not values or len(values) != 1 or values[0] is None:
                    return None
                node, scope = values[0], cls
                continue
            if isinstance(node, cst.Call):  # req = self._prepare(text): a helper that returns one dict display
                helper = self.callee(node, scope)
                returned = single_return(helper) if helper is not None else None
                if returned is None:
                    return None
                node, scope = returned, helper  # type: ignore[assignment]
                continue
            return None
        return None


def _urljoin(base: Parts | None, path: Parts | None) -> Parts | None:
    """``urljoin(BASE, "models/x/predictions")`` with a literal base, as urllib would join it."""
    from urllib.parse import urljoin, urlsplit

    base_text = literal_text(base)
    if base_text is None or path is None or not path:
        return None
    first = path[0]
    if isinstance(first, str) and "://" in first:
        return path  # an absolute URL ignores the base
    if isinstance(first, str) and first.startswith("/"):
        split = urlsplit(base_text)
        return _join((f"{split.scheme}://{split.netloc}",), path)
    literal = literal_text(path)
    if literal is not None:
        return (urljoin(base_text, literal),)
    return _join((base_text[: base_text.rfind("/") + 1],), path)


def _is_opaque(parts: Parts, node: cst.BaseExpression) -> bool:
    """True when a ``+`` operand resolved to nothing but itself (numbers, lists...)."""
    return len(parts) == 1 and isinstance(parts[0], Dyn) and parts[0].node is node


def subscript_key(node: cst.Subscript) -> str | int | None:
    """The literal key of ``x["key"]`` / ``x[0]``."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    value = node.slice[0].slice.value
    text = string_value(value)
    if text is not None:
        return text
    if isinstance(value, cst.Integer):
        return value.evaluated_value  # 0x1, 1_0: the source text is not always int()-able
    return None


def names_in(node: cst.CSTNode) -> Iterator[cst.Name]:
    """Every ``Name`` in ``node``'s subtree; works on code parsed apart from the module too."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current
        stack.extend(current.children)


def positional_names(function: cst.FunctionDef) -> list[str]:
    """The names of a function's positional parameters, in order (``self`` included)."""
    params = function.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]


def single_return(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The expression of a function whose body returns one value (docstring and asserts aside)."""
    statements = function.body.body if isinstance(function.body, cst.IndentedBlock) else [function.body]
    returns = []
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Return):
                    returns.append(small)
                elif isinstance(small, cst.Expr) and string_value(small.value) is not None:
                    continue
                elif not isinstance(small, (cst.Pass, cst.Assert, cst.Assign, cst.AnnAssign)):
                    return None
        else:
            return None
    if len(returns) != 1 or returns[0].value is None:
        return None
    return returns[0].value
