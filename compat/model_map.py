"""Legacy model id -> model name: the model map, and where each entry came from.

Sources, later ones win: the bundled table, ``[tool.ionos-migrate.models]``
in the project's ``pyproject.toml``, a ``--model-map`` TOML file with a
``[models]`` table. An entry is a model name, or a table
``{name = "...", kind = "chat" | "image"}``. A model *name* in a legacy path
is taken as it is; an unknown UUID is an explicit :class:`UnknownModel`,
never a guess.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Mapping

from .rules import is_uuid, looks_like_image_model

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Kind = Literal["chat", "image"]
KINDS = ("chat", "image")
BUNDLED = "bundled"


class ModelMapError(ValueError):
    """A model map file or table that cannot be used, with a message saying why."""


@dataclass(frozen=True)
class ModelEntry:
    legacy_id: str
    name: str
    kind: Kind
    source: str  # "bundled", a file path, or "path" for a name taken from the URL
    confidence: str = "user"

    @property
    def is_bundled(self) -> bool:
        return self.source == BUNDLED


@dataclass(frozen=True)
class UnknownModel:
    legacy_id: str
    hint: str = ""

    @property
    def message(self) -> str:
        text = f"unknown model id {self.legacy_id}"
        if self.hint:
            text += f" ({self.hint})"
        return text + "; add it to [tool.ionos-migrate.models] or a --model-map file"


@dataclass
class ModelMap:
    entries: dict[str, ModelEntry] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)

    # --- building ---------------------------------------------------------

    @classmethod
    def bundled(cls) -> "ModelMap":
        data = tomllib.loads(resources.files(__package__).joinpath("bundled_models.toml").read_text("utf-8"))
        mm = cls(hints=dict(data.get("hints", {})))
        mm.update(data.get("models", {}), source=BUNDLED)
        return mm

    @classmethod
    def load(cls, *, project_table: Mapping[str, Any] | None = None, files: tuple[Path, ...] = ()) -> "ModelMap":
        """Bundled, then the project's table, then each file: later wins."""
        mm = cls.bundled()
        if project_table:
            mm.update(project_table, source="pyproject.toml [tool.ionos-migrate.models]")
        for path in files:
            mm.update(read_model_map_file(path), source=str(path))
        return mm

    def update(self, table: Mapping[str, Any], *, source: str) -> None:
        for legacy_id, value in table.items():
            self.entries[legacy_id.lower()] = _entry(legacy_id, value, source)

    # --- using ------------------------------------------------------------

    def resolve(self, model_id: str) -> ModelEntry | UnknownModel:
        """The model a legacy path segment names."""
        entry = self.entries.get(model_id.lower())
        if entry is not None:
            return entry
        if is_uuid(model_id):
            return UnknownModel(model_id, self.hints.get(model_id.lower(), ""))
        kind: Kind = "image" if looks_like_image_model(model_id) else "chat"
        return ModelEntry(model_id, model_id, kind, source="path", confidence="exact")

    def legacy_id_for(self, name: str) -> str | None:
        """Reverse lookup for the models list; the first user entry wins over bundled."""
        found = None
        for entry in self.entries.values():
            if entry.name == name and is_uuid(entry.legacy_id):
                if not entry.is_bundled:
                    return entry.legacy_id
                found = found or entry.legacy_id
        return found

    def as_table(self) -> dict[str, str]:
        """``{legacy id: model name}``, what generated code embeds."""
        return {entry.legacy_id: entry.name for entry in self.entries.values()}


def read_model_map_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ModelMapError(f"{path}: model map file not found") from None
    except OSError as exc:  # a folder, no permission, ...
        raise ModelMapError(f"{path}: cannot read the model map: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ModelMapError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("models")
    if not isinstance(table, dict):
        raise ModelMapError(f'{path}: no [models] table (expected lines like "<legacy-id>" = "<model name>")')
    return table


def _entry(legacy_id: str, value: Any, source: str) -> ModelEntry:
    where = f"{source}: models.{legacy_id!r}"
    if isinstance(value, str):
        name, kind, confidence = value, None, "user"
    elif isinstance(value, Mapping):
        name, kind = value.get("name"), value.get("kind")
        confidence = str(value.get("confidence", "user"))
        if not isinstance(name, str):
            raise ModelMapError(f"{where}: a table entry needs name = \"<model name>\"")
        if kind is not None and kind not in KINDS:
            raise ModelMapError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    else:
        raise ModelMapError(f"{where}: expected a model name or a table {{name, kind}}, got {type(value).__name__}")
    if not name.strip():
        raise ModelMapError(f"{where}: empty model name")
    if kind is None:
        kind = "image" if looks_like_image_model(name) else "chat"
    return ModelEntry(legacy_id, name, kind, source, confidence if source == BUNDLED else "user")
