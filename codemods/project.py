"""The project phase: join every module's facts into one :class:`ProjectIndex`.

Three things need the whole project, not one file:

- **Context.** A weak signal (``/predictions``, ``["properties"]["output"]``)
  counts only in a module tied to IONOS: one that names IONOS or holds a strong
  signal (a *seed*), or imports a seed, or is imported by one.
- **Split sites.** A class hierarchy whose pieces sit in several modules (the
  path in a base class, the body and answer reads in a subclass, the legacy URL
  where it is built) is one call. It is planned here, and every piece is
  reported with the same message in its own file (never half a rewrite).
- **Environment variables.** Which constant reads which variable, so a site
  can name the variable and the deployment files that still hold a legacy value.

Stdlib only: it runs in the engine's parent process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ionos_migrate.compat.rules import OPENAI_BASE_URL

from .api import DeployValue, ProjectIndex, SplitSite
from .facts import ClassFacts, ModuleFacts

# What a signal is, in the words a split site's message uses.
PIECE_NAMES = {
    "predictions-path": "path",
    "legacy-url": "URL",
    "legacy-body": "body",
    "inner-body": "body",
    "legacy-answer": "answer read",
    "legacy-model-id": "model id",
}
EVIDENCE = {"predictions-path", "legacy-url", "legacy-body", "inner-body"}


@dataclass(frozen=True)
class ModuleRef:
    keys: tuple[str, ...]  # every dotted name it may be imported by, longest first; keys[0] identifies it
    display: str  # the path relative to the scanned folder, as messages name it
    is_package: bool = False  # an __init__.py

    @property
    def key(self) -> str:
        return self.keys[0] if self.keys else ""


def build_project(modules: Sequence[tuple[ModuleRef, ModuleFacts]], deploy: Iterable[DeployValue] = ()) -> ProjectIndex:
    names = _NameTable(ref for ref, _facts in modules)
    facts = {ref.key: found for ref, found in modules}
    refs = {ref.key: ref for ref, _facts in modules}
    imports = {ref.key: set(_imported_modules(ref, found, names)) for ref, found in modules}
    deploy_by_variable: dict[str, tuple[DeployValue, ...]] = {}
    for value in deploy:
        deploy_by_variable[value.variable] = (*deploy_by_variable.get(value.variable, ()), value)
    return ProjectIndex(
        constants=_constants_table(modules),
        context=frozenset(_context(facts, imports)),
        env_constants={key: dict(found.env_constants) for key, found in facts.items() if found.env_constants},
        splits=tuple(_split_sites(facts, refs, names)),
        deploy=deploy_by_variable,
        legacy_names=_by_every_key({ref.key: ref for ref, _f in modules}, {k: f.legacy_names for k, f in facts.items()}),
        importers=_importers(modules, names),
        legacy_modules=frozenset(key for key, found in facts.items()
                                 if any(s.kind in EVIDENCE for s in found.signals)),
    )


def _by_every_key(refs: Mapping[str, ModuleRef], table: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """A per-module table under every dotted name the module may be imported by (the file phase looks up
    ``from settings import X`` by the name the import uses)."""
    found: dict[str, dict[str, str]] = {}
    for key, values in table.items():
        if values:
            for name in refs[key].keys:
                found.setdefault(name, {}).update(values)
    return found


def _importers(modules: Sequence[tuple[ModuleRef, ModuleFacts]], names: "_NameTable") -> dict[str, dict[str, tuple]]:
    found: dict[str, dict[str, tuple]] = {}
    for ref, facts in modules:
        for module, name, level, _local in facts.imports:
            if name is None:
                continue
            source = _source(ref, module, level, names)
            if source is not None and source != ref.key:
                table = found.setdefault(source, {})
                table[name] = (*table.get(name, ()), ref.key)
    return found


def _constants_table(modules: Sequence[tuple[ModuleRef, ModuleFacts]]) -> dict[str, dict[str, str]]:
    """Constants by every dotted name a module may be imported by; a name two modules share is dropped."""
    table: dict[str, dict[str, str]] = {}
    ambiguous: set[str] = set()
    for ref, found in modules:
        if not found.constants:
            continue
        for key in ref.keys:
            if key in table and table[key] != found.constants:
                ambiguous.add(key)
            table.setdefault(key, found.constants)
    return {key: value for key, value in table.items() if key not in ambiguous}


class _NameTable:
    """Dotted name -> the one project module it names (a suffix two modules share names neither)."""

    def __init__(self, refs: Iterable[ModuleRef]) -> None:
        self.by_name: dict[str, str | None] = {}
        for ref in refs:
            for key in ref.keys:
                self.by_name[key] = None if key in self.by_name and self.by_name[key] != ref.key else ref.key

    def find(self, dotted: str) -> str | None:
        return self.by_name.get(dotted) if dotted else None


def _imported_modules(ref: ModuleRef, found: ModuleFacts, names: _NameTable) -> Iterable[str]:
    for module, name, level, _local in found.imports:
        for candidate in _candidates(ref, module, name, level):
            key = names.find(candidate)
            if key is not None and key != ref.key:
                yield key
                break


def _candidates(ref: ModuleRef, module: str, name: str | None, level: int) -> list[str]:
    """The dotted names an import may mean, most specific first (``from pkg import mod`` names a module)."""
    if level:
        parts = ref.key.split(".") if ref.key else []
        package = parts if ref.is_package else parts[:-1]
        package = package[: len(package) - (level - 1)] if level > 1 else package
        base = ".".join(package + ([module] if module else []))
    else:
        base = module
    found = [f"{base}.{name}" if base else name] if name else []
    return [c for c in (*found, base) if c]


def _context(facts: Mapping[str, ModuleFacts], imports: Mapping[str, set[str]]) -> set[str]:
    seeds = {key for key, found in facts.items() if found.mentions_ionos or found.strong}
    context = set(seeds)
    for key, targets in imports.items():
        if targets & seeds:
            context.add(key)  # imports a seed
        if key in seeds:
            context.update(targets)  # imported by a seed
    packages = {key.rsplit(".", 1)[0] for key in seeds if "." in key}
    context.update(key for key in facts if "." in key and key.rsplit(".", 1)[0] in packages)  # a seed's package
    return context


# --- split sites -------------------------------------------------------------------


def _split_sites(facts: Mapping[str, ModuleFacts], refs: Mapping[str, ModuleRef], names: _NameTable) -> Iterable[SplitSite]:
    classes = {(key, cls.name): cls for key, found in facts.items() for cls in found.classes}
    parent: dict[tuple[str, str], tuple[str, str]] = {node: node for node in classes}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for (key, name), cls in classes.items():
        for base in cls.bases:
            target = _resolve_class(key, base, facts, refs, names, classes)
            if target is not None:
                parent[root((key, name))] = root(target)
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for node in classes:
        groups.setdefault(root(node), []).append(node)
    for members in groups.values():
        if len(members) < 2 or len({key for key, _name in members}) < 2:
            continue
        calls = [
            (key, call.line)
            for key, found in facts.items()
            for call in found.calls
            if _resolve_class(key, call.callee, facts, refs, names, classes) in members
        ]
        site = _plan(sorted(members), classes, calls, refs)
        if site is not None:
            yield site


def _resolve_class(module: str, dotted: str, facts, refs, names: _NameTable, classes,
                   depth: int = 0) -> tuple[str, str] | None:
    """Which project class ``dotted`` names in ``module``: defined there, imported (through re-exports
    in ``__init__.py``), or ``mod.Class`` of an imported module."""
    head, _, rest = dotted.partition(".")
    if not rest and (module, head) in classes:
        return module, head
    if depth > 4:
        return None
    if module not in facts:  # a package whose __init__.py the prefilter dropped: its one module defining it
        found = [key for key, name in classes if name == dotted and key.startswith(module + ".")]
        return (found[0], dotted) if len(found) == 1 else None
    for imported, name, level, local in facts[module].imports:
        if local != head:
            continue
        if name is None:  # import pkg.mod as m; m.Class
            key = names.find(imported if local != imported.split(".")[0] else head)
            target = rest
        else:
            submodule = names.find(_candidates(refs[module], imported, name, level)[0])
            if rest and submodule is not None:  # from pkg import mod; mod.Class
                key, target = submodule, rest
            else:
                key, target = _source(refs[module], imported, level, names), name + (f".{rest}" if rest else "")
        if key is not None and target and key != module:
            return _resolve_class(key, target, facts, refs, names, classes, depth + 1)
    return None


def _source(ref: ModuleRef, module: str, level: int, names: _NameTable) -> str | None:
    candidates = _candidates(ref, module, None, level)
    if not candidates:
        return None
    return names.find(candidates[0]) or candidates[0]  # not a kept module: maybe a package, see _resolve_class


def _plan(members: list[tuple[str, str]], classes: Mapping[tuple[str, str], ClassFacts],
          calls: list[tuple[str, int]], refs: Mapping[str, ModuleRef]) -> SplitSite | None:
    kinds = {s.kind for node in members for s in classes[node].signals}
    if not kinds & EVIDENCE or "predictions-path" not in kinds and "legacy-body" not in kinds:
        return None
    pieces: dict[str, list[tuple[int, str]]] = {}
    for node in members:
        cls = classes[node]
        found = {(s.line, PIECE_NAMES[s.kind]) for s in cls.signals}
        if found:
            found |= {(line, "request") for line in cls.requests}
        pieces.setdefault(refs[node[0]].display, []).extend(found)
    for key, line in calls:
        pieces.setdefault(refs[key].display, []).append((line, "built with a legacy value"))
    pieces = {path: found for path, found in pieces.items() if found}
    if len(pieces) < 2:
        return None  # all in one module: the file phase handles it
    where = "; ".join(
        f"{path}: " + ", ".join(f"{what} line {line}" for line, what in sorted(set(found)))
        for path, found in sorted(pieces.items())
    )
    names = ", ".join(name for _key, name in members)
    message = (
        f"one legacy predictions call split over modules ({where}); ionos-migrate does not rewrite a "
        f"call split over modules. Move {names} to POST {OPENAI_BASE_URL}/chat/completions by hand, every piece "
        "together: the model name in the body, the input as messages, the answer from choices[0].message.content, "
        "token counts from usage"
    )
    marker = (f"part of one legacy call split over {', '.join(sorted(pieces))}; rewrite every piece together, "
              "by hand (see the ionos-migrate report)")
    return SplitSite(tuple(members), tuple(sorted(calls)), message, marker)
