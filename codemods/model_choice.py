"""The model a legacy site names: from the URL through the model map, or looked up at run time."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst
from ionos_migrate.compat import rules as mapping
from ionos_migrate.compat.model_map import ModelEntry, UnknownModel

from .body import (
    LegacyBody,
    code,
)
from .core import RuleContext, SiteError
from .edits import SiteEdits
from .resolve import Dyn, Scope
from .sites import LegacyUrl, classify, instantiation_values

TABLE_NAME = "IONOS_LEGACY_MODELS"


@dataclass
class ModelChoice:
    code: str  # python source for the body's "model"
    entry: Optional[ModelEntry]  # the entry the site relies on (None: run-time lookup without default)
    runtime: bool = False
    notes: list[str] = field(default_factory=list)


def choose_model(ctx: RuleContext, legacy: LegacyUrl, scope: Scope) -> ModelChoice:
    parts = legacy.model or ()
    if len(parts) == 1 and isinstance(parts[0], str):
        return known_model(ctx, parts[0])
    if len(parts) == 1 and isinstance(parts[0], Dyn):
        return _runtime_model(ctx, parts[0], scope)
    known = _model_from_instantiations(ctx, legacy)
    if known is not None:
        choice = known_model(ctx, known)
        choice.notes.append("the model id comes from the base URL every instantiation in this file passes (or the default)")
        return choice
    raise SiteError(
        f"the model id in the URL comes from several pieces ({describe_parts(legacy.pieces)}); "
        "send the model name in the body of POST /v1/chat/completions by hand"
    )


def _model_from_instantiations(ctx: RuleContext, legacy: LegacyUrl) -> str | None:
    """A URL split over a class: ``self.base_url`` (an ``__init__`` parameter) + ``self.path()``.

    When every instantiation of the class in this file passes a base URL that
    resolves, and all name the same model, that model is the one.
    """
    pieces = legacy.pieces
    dyns = [p for p in pieces if isinstance(p, Dyn)]
    if len(dyns) != 1 or pieces[0] is not dyns[0]:
        return None
    values = instantiation_values(ctx.index, ctx.resolver, dyns[0])
    if not values:
        return None
    after = "".join(p for p in pieces[1:] if isinstance(p, str))
    models = set()
    for text in values:
        url = classify((text + after,))
        if url is None or url.kind != "predictions" or not url.model or len(url.model) != 1 or not isinstance(url.model[0], str):
            return None
        models.add(url.model[0])
    return models.pop() if len(models) == 1 else None


def describe_parts(parts) -> str:
    """Each piece of a URL, as a human reads it: literal text or the expression (and its default)."""
    out = []
    for part in parts:
        if isinstance(part, Dyn):
            text = code(part.node)
            out.append(f"{text} (default {part.default!r})" if part.default is not None else text)
        else:
            out.append(repr(part))
    return " + ".join(out)


def known_model(ctx: RuleContext, model_id: str) -> ModelChoice:
    found = ctx.model_map.resolve(model_id)
    if isinstance(found, UnknownModel):
        raise SiteError(f"unknown model id {model_id}{' (' + found.hint + ')' if found.hint else ''}; add it to [tool.ionos-migrate.models]")
    return ModelChoice(json.dumps(found.name), found, notes=entry_notes(model_id, found))


def entry_notes(model_id: str, entry: ModelEntry) -> list[str]:
    if entry.is_bundled:
        return [f"model {model_id} -> {entry.name} comes from the bundled map ({entry.confidence} confidence): confirm it"]
    if entry.source == "path":
        return []
    return [f"model {model_id} -> {entry.name} from {entry.source}"]


def _runtime_model(ctx: RuleContext, dyn: Dyn, scope: Scope) -> ModelChoice:
    if not portable(ctx, dyn, scope):
        raise SiteError(
            f"the model id ({code(dyn.node)}) is only known inside another function; pass it down or rewrite by hand"
        )
    entry = None
    notes = []
    if dyn.default is not None:
        found = ctx.model_map.resolve(dyn.default)
        if isinstance(found, UnknownModel):
            hint = f"; {found.hint}" if found.hint else ""
            raise SiteError(
                f"unknown model id {dyn.default} (the default of {code(dyn.node)}{hint}); add it to [tool.ionos-migrate.models]"
            )
        entry = found
        notes += entry_notes(dyn.default, found)
    elif "b64decode" in ctx.index.source:
        raise SiteError(
            f"the model id ({code(dyn.node)}) is only known at run time and the code decodes base64: "
            "it may be an image model; rewrite for /v1/chat/completions or /v1/images/generations by hand"
        )
    sources = sorted({e.source for e in ctx.model_map.entries.values()})
    notes.append(
        f"the model id ({code(dyn.node)}) is known only at run time: it is looked up in {TABLE_NAME}, "
        f"generated from the model map ({', '.join(sources) or 'empty'}); ids missing there are sent as they are"
    )
    value = code(dyn.node)
    return ModelChoice(f"{TABLE_NAME}.get({value}, {value})", entry, runtime=True, notes=notes)


def portable(ctx: RuleContext, dyn: Dyn, scope: Scope) -> bool:
    """Whether ``dyn``'s expression means the same thing when written in ``scope``."""
    if isinstance(dyn.scope, cst.Module):
        return True
    if dyn.scope is scope:
        return True
    if isinstance(dyn.scope, cst.ClassDef):
        return ctx.index.enclosing_class(scope) is dyn.scope
    return False


def table_code(ctx: RuleContext) -> str:
    table = {e.legacy_id: e.name for e in ctx.model_map.entries.values() if mapping.is_uuid(e.legacy_id)}
    lines = ["# Legacy IONOS model id -> model name, generated by ionos-migrate from the model map.", f"{TABLE_NAME} = {{"]
    lines += [f"    {json.dumps(k)}: {json.dumps(v)}," for k, v in sorted(table.items())]
    lines.append("}")
    return "\n".join(lines) + "\n"


def is_image(model: ModelChoice, body: LegacyBody) -> bool:
    if model.entry is not None and model.entry.kind == "image":
        return True
    return any(key in mapping.IMAGE_OPTIONS for key, _ in body.options)


def model_field(ctx: RuleContext, site: SiteEdits, model: ModelChoice) -> str:
    if model.runtime:
        site.prelude[TABLE_NAME] = table_code(ctx)
    return model.code
