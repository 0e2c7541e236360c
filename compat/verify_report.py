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


def _headline(result: "VerifyResult") -> str:
    if result.verdict == "different":
        count = len(result.differences)
        return f"verify: NOT EQUIVALENT ({count} difference{'s' * (count != 1)})"
    if result.inconclusive:
        return "verify: INCONCLUSIVE (nothing differs, but nothing was proven)"
    return "verify: EQUIVALENT"


def _stderr_tails(result: "VerifyResult") -> list[str]:
    """The end of each failing run's stderr: the traceback a reader needs first."""
    lines: list[str] = []
    for run in (result.before, result.after):
        tail = run.stderr_tail() if run.failed else ""
        if tail:
            status = "timed out" if run.timed_out else f"exit {run.exit_code}"
            lines += ["", f"{run.label} stderr ({status}, last lines):"] + ["    " + line for line in tail.splitlines()]
    return lines


def render_text(result: "VerifyResult") -> str:
    before, after = result.before, result.after
    lines = [
        _headline(result),
        f"  upstream: {result.upstream}",
        f"  before: {before.tree}  exit {before.exit_code}, {len(before.requests)} request(s)",
        f"  after:  {after.tree}  exit {after.exit_code}, {len(after.requests)} request(s),"
        f" {len(after.legacy_calls)} legacy call(s)",
    ]
    if result.baselines:
        lines.append(f"  noise baseline: {len(result.baselines) + 1} before runs; ignored fields: "
                     f"{', '.join(result.noise_fields) or 'none'}; ignored stdout lines: "
                     f"{', '.join(str(n + 1) for n in result.noise_lines) or 'none'}")
    for reason in result.inconclusive if not result.differences else ():
        lines.append(f"  inconclusive: {reason}")
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
    lines += _stderr_tails(result)
    return "\n".join(lines)
