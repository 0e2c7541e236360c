"""The engine's project phase: read every kept module's facts, then plan the project.

Runs before the file phase. Each Python module the prefilter keeps (with a
strong marker, or only a weak one such as ``"properties"``) is read once with
the stdlib parser (:func:`ionos_migrate.codemods.facts.collect_facts`, in the
worker pool); text files give the environment variables deployments set to a
legacy value. :func:`ionos_migrate.codemods.project.build_project` joins them.
No libcst here: the parent process never imports it.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ionos_migrate.codemods.api import DeployValue, ProjectIndex
from ionos_migrate.codemods.facts import ModuleFacts, collect_facts
from ionos_migrate.codemods.project import ModuleRef, build_project
from ionos_migrate.discovery import SourceFile, module_keys
from ionos_migrate.envfiles import deploy_values
from ionos_migrate.sourcetext import decode_python


def module_ref(file: SourceFile) -> ModuleRef:
    return ModuleRef(tuple(module_keys(file)), file.rel, file.rel.endswith("__init__.py"))


def collect_file_facts(file: SourceFile, legacy_ids: frozenset[str] = frozenset()) -> ModuleFacts:
    """One module's facts; none when it cannot be read or decoded (the file phase reports why)."""
    try:
        return collect_facts(decode_python(file.path.read_bytes()).text, legacy_ids)
    except Exception:  # noqa: BLE001 - the file phase reports what is wrong with the file
        return ModuleFacts(parsed=False)


def file_deploy_values(files: Iterable[SourceFile]) -> list[DeployValue]:
    found: list[DeployValue] = []
    for file in files:
        try:
            text = file.path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue  # reported by the text scan
        found.extend(deploy_values(text, file.display))
    return found


def plan_project(modules: Sequence[SourceFile], facts: Iterable[ModuleFacts], text_files: Iterable[SourceFile]) -> ProjectIndex:
    refs = [(module_ref(file), found) for file, found in zip(modules, facts, strict=True)]
    return build_project(refs, file_deploy_values(text_files))
