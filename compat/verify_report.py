"""The human-readable verdict of ``verify``: plain text that reads well in a CI log."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .verify import VerifyResult

VALUE_WIDTH = 48


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", "\\n")
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 3] + "..."


def _side_by_side(rows: list[tuple[str, Any, Any]]) -> list[str]:
    width = max([len("field")] + [len(name) for name, _, _ in rows])
    lines = [f"    {'field':<{width}}  {'before':<{VALUE_WIDTH}}  after"]
    lines += [f"    {name:<{width}}  {_value(a):<{VALUE_WIDTH}}  {_value(b)}" for name, a, b in rows]
    return lines


def _request_lines(flat: dict[str, Any]) -> list[str]:
    return [f"    {name} = {_value(value)}" for name, value in flat.items() if name not in ("method", "path")]


def render_text(result: "VerifyResult") -> str:
    before, after = result.before, result.after
    lines = [
        f"verify: {'EQUIVALENT' if result.equivalent else 'NOT EQUIVALENT'}"
        + ("" if result.equivalent else f" ({len(result.differences)} difference{'s' * (len(result.differences) != 1)})"),
        f"  upstream: {result.upstream}",
        f"  before: {before.tree}  exit {before.exit_code}, {len(before.requests)} request(s)",
        f"  after:  {after.tree}  exit {after.exit_code}, {len(after.requests)} request(s),"
        f" {len(after.legacy_calls)} legacy call(s)",
    ]
    if result.baselines:
        lines.append(f"  noise baseline: {len(result.baselines) + 1} before runs; ignored fields: "
                     f"{', '.join(result.noise_fields) or 'none'}; ignored stdout lines: "
                     f"{', '.join(str(n + 1) for n in result.noise_lines) or 'none'}")
    for note in result.notes:
        lines.append(f"  note: {note}")
    for number, difference in enumerate(result.differences, 1):
        lines.append("")
        lines.append(f"[{number}] {difference.summary}")
        if difference.kind == "request":
            lines += _side_by_side([(d.field, d.before, d.after) for d in difference.fields])
        elif difference.kind in ("missing_request", "extra_request", "legacy_call"):
            lines += _request_lines(difference.before if difference.before is not None else difference.after)
        elif difference.kind == "stdout":
            lines += ["    " + line for line in difference.diff.splitlines()]
    return "\n".join(lines)
