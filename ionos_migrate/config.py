"""``[tool.ionos-migrate]`` in the scanned project's ``pyproject.toml``.

Same keys as the command-line flags (dashes or underscores), ``models`` as a
table. Flags win over the file. The project's line length (``[tool.ruff]``, else
``[tool.black]`` ``line-length``; 88 without either) is the width rewritten
code is laid out to.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ionos_migrate.compat.model_map import ModelMap, ModelMapError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = "ionos-migrate"
DEFAULT_LINE_LENGTH = 88


# The flags' names (DESIGN.md: same keys as the flags), plus the models table and
# extra prefilter markers. Anything else is a typo worth an error, not silence.
KNOWN_KEYS = frozenset({
    "target", "model_map", "report", "format", "jobs", "shard", "include", "exclude",
    "no_progress", "allow_dirty", "markers", "models", "select", "ignore", "quiet", "color", "sdk_retries",
})


class ConfigError(ValueError):
    """A configuration problem, with a message that says where and what."""


@dataclass(frozen=True)
class ProjectConfig:
    path: Path | None = None  # the pyproject.toml it came from
    values: dict[str, Any] = field(default_factory=dict)
    line_length: int = DEFAULT_LINE_LENGTH

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def find_pyproject(paths: Iterable[Path]) -> Path | None:
    """The nearest ``pyproject.toml`` at or above the first path given."""
    for start in paths:
        here = Path(start).resolve()
        for folder in ([here] if here.is_dir() else []) + list(here.parents):
            candidate = folder / "pyproject.toml"
            if candidate.is_file():
                return candidate
        return None
    return None


def load_project_config(paths: Iterable[Path]) -> ProjectConfig:
    path = find_pyproject(list(paths) or [Path(".")])
    if path is None:
        return ProjectConfig()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get(TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    values = {key.replace("-", "_"): value for key, value in table.items()}
    unknown = sorted(set(values) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(key.replace("_", "-") for key in KNOWN_KEYS))
        named = ", ".join(_with_suggestion(key) for key in unknown)
        raise ConfigError(f"{path}: [tool.{TABLE}] has unknown key(s) {named}; known: {known}")
    return ProjectConfig(path, values, _line_length(path, data.get("tool", {})))


def _line_length(path: Path, tools: dict) -> int:
    """The formatter's ``line-length``: ruff's, else black's, else 88."""
    for tool in ("ruff", "black"):
        table = tools.get(tool)
        if isinstance(table, dict) and "line-length" in table:
            value = table["line-length"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{path}: [tool.{tool}] line-length must be a positive whole number, not {value!r}")
            return value
    return DEFAULT_LINE_LENGTH


def _with_suggestion(key: str) -> str:
    """``exlude (did you mean exclude?)``; the key as written, dashes or underscores."""
    close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1)
    shown = key.replace("_", "-")
    return f"{shown} (did you mean {close[0].replace('_', '-')}?)" if close else shown


def load_model_map(config: ProjectConfig, model_map_file: Path | None = None) -> ModelMap:
    """Bundled, then ``[tool.ionos-migrate.models]``, then the file: later wins."""
    table = config.get("models")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{config.path}: [tool.{TABLE}.models] must be a table")
    files: list[Path] = []
    configured = config.get("model_map")
    if configured and model_map_file is None and config.root:
        files.append(config.root / configured)
    if model_map_file is not None:
        files.append(Path(model_map_file))
    try:
        return ModelMap.load(project_table=table, files=tuple(files))
    except ModelMapError as exc:
        raise ConfigError(str(exc)) from None
