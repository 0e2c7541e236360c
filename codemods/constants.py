"""The project-wide pass: module-level string constants, with the stdlib parser only.

Runs over every prefiltered file in the engine's parent process, so it must
stay cheap and must not import libcst.
"""

from __future__ import annotations

import ast
import string

from .api import ProjectIndex


def module_name(path: str) -> str:
    """``pkg/settings.py`` -> ``pkg.settings`` (best effort; relative imports fall back to suffix matching)."""
    text = path.replace("\\", "/")
    for suffix in (".py", ".ipynb"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    parts = [p for p in text.split("/") if p and p not in (".", "..")]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def collect_constants(source: str, *, project: ProjectIndex | None = None, module: str = "") -> dict[str, str]:
    """Module-level string constants: literals, ``+`` and f-strings of other constants, ``.format``/``%`` of them.

    Uses the stdlib parser: this runs over every prefiltered file and must be
    cheap. A file that does not parse (or nests deeper than the stdlib parser
    can go) has no constants; a value nested too deep to follow is not one. With ``project`` (the
    constants of a first pass) and the file's dotted ``module`` name, constants
    imported from other modules (``from config import BASE``) are followed too,
    so a second pass resolves chains across files.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    return collect_constants_from_tree(tree, project=project, module=module)


def collect_constants_from_tree(tree: ast.Module, *, project: ProjectIndex | None = None, module: str = "") -> dict[str, str]:
    """:func:`collect_constants` of a module already parsed (the project phase parses each module once)."""
    imported: dict[str, str] = {}
    constants: dict[str, str] = {}
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.ImportFrom) and project is not None:
            imported.update(_imported_constants(statement, project, module))
            continue
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        try:
            text = _constant_value(value, {**imported, **constants})
        except RecursionError:  # "a" + "b" + ... a thousand terms deep
            text = None
        for target in targets:
            if isinstance(target, ast.Name):
                if text is None:
                    constants.pop(target.id, None)
                else:
                    constants[target.id] = text
    return constants


def collect_bearer_headers(source: str) -> dict[str, str]:
    """Module-level headers dicts and the token their ``Authorization: Bearer ...`` carries:
    ``headers = {"Authorization": f"Bearer {TOKEN}"}`` -> ``{"headers": "TOKEN"}`` (a name or attribute only).

    For notebooks: the cells below use them, and ``--target openai`` gives its client that token.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    found: dict[str, str] = {}
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
            continue
        name = statement.targets[0].id
        token = _bearer_token(statement.value) if isinstance(statement.value, ast.Dict) else None
        if token is None:
            found.pop(name, None)
        else:
            found[name] = token
    return found


def _bearer_token(table: ast.Dict) -> str | None:
    for key, value in zip(table.keys, table.values):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() == "authorization"):
            continue
        token = None
        if isinstance(value, ast.JoinedStr) and len(value.values) == 2:
            text, field = value.values
            if isinstance(text, ast.Constant) and text.value == "Bearer " and isinstance(field, ast.FormattedValue):
                token = field.value if field.conversion == -1 and field.format_spec is None else None
        elif isinstance(value, ast.BinOp) and isinstance(value.left, ast.Constant) and isinstance(value.op, (ast.Add, ast.Mod)):
            token = value.right if value.left.value == ("Bearer " if isinstance(value.op, ast.Add) else "Bearer %s") else None
        node = token
        while isinstance(node, ast.Attribute):
            node = node.value
        return ast.unparse(token) if isinstance(node, ast.Name) else None  # type: ignore[arg-type]
    return None


def _imported_constants(statement: ast.ImportFrom, project: ProjectIndex, module: str) -> dict[str, str]:
    source = statement.module or ""
    if statement.level:
        package = module.split(".")[: -statement.level] if module else []
        source = ".".join(package + ([source] if source else []))
    table = project.constants.get(source, {})
    return {(alias.asname or alias.name): table[alias.name] for alias in statement.names if alias.name in table}


def _looks_up(field: str | None) -> bool:
    """``{0.attr}`` / ``{0[key]}``: format() would look into the value itself, which is no constant text."""
    return field is not None and ("." in field or "[" in field)


def _constant_value(node: ast.expr, known: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return known.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_value(node.left, known), _constant_value(node.right, known)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = _constant_value(node.left, known)
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        texts = [_constant_value(v, known) for v in values]
        if template is None or None in texts or template.count("%s") != len(texts) or "%" in template.replace("%s", ""):
            return None
        return template % tuple(texts)
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    return None
                text = _constant_value(part.value, known)
            else:
                text = _constant_value(part, known)
            if text is None:
                return None
            out.append(text)
        return "".join(out)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = _constant_value(node.func.value, known)
        args = [_constant_value(a, known) for a in node.args]
        kwargs = {k.arg: _constant_value(k.value, known) for k in node.keywords if k.arg}
        if template is None or None in args or None in kwargs.values() or len(kwargs) != len(node.keywords):
            return None
        try:
            if any(_looks_up(field) for _text, field, _spec, _conversion in string.Formatter().parse(template)):
                return None
            return template.format(*args, **kwargs)
        except (IndexError, KeyError, ValueError, AttributeError, TypeError):  # {:{0.x}}: a lookup inside a format spec
            return None
    return None
