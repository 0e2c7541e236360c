"""Prove a migration: run the old and the new tree, compare what reached the API.

``verify(before, after, cmd)`` runs ``cmd`` in ``before`` with the in-process
shim translating legacy calls, and in ``after`` with the shim only routing
(no translation). In both runs every request for the IONOS hosts goes to one
upstream: the offline emulator (default), started here on a free loopback
port, or a recording pass-through to ``upstream`` for a live check. The
requests are recorded there and compared as normalised multisets
(``normalise``), together with exit codes and stdout. A legacy call that
still reaches the upstream in the ``after`` run is a difference.

Mechanism: a temporary folder holding a ``sitecustomize.py`` that imports
``ionos_migrate.compat.autoshim`` goes first on ``PYTHONPATH``; the
``IONOS_MIGRATE_*`` variables tell the shim what to do. Every Python
process of the run, children included, inherits both. Non-Python clients
(curl, other languages) are not covered.

``repeat >= 2`` runs ``before`` that many times first; fields and stdout
lines that differ between those runs are noise and are ignored (Diffy).

The verdict needs proof: runs that both exit non-zero (unless
``expect_failure``), or in which neither tree sent a request, showed nothing
working, so they are *inconclusive* rather than equivalent.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from . import normalise, rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from .model_map import ModelMap, ModelMapError
from .redact import redact
from .serving import serve_in_thread
from .shim import http_base_url

OFFLINE_TOKEN = "ionos-migrate-verify-offline"  # any token passes the emulator; never a real one
SHIM_INACTIVE = "ionos-migrate verify: shim not active"
STREAM_LIMIT = 20_000  # characters of stderr kept in a result
STDERR_TAIL_LINES = 15  # lines of a failing run's stderr shown on the console

SITECUSTOMIZE = textwrap.dedent('''\
    # Written by `ionos-migrate verify`: turns the in-process shim on in every Python process of the run.
    import os as _os
    import sys as _sys

    try:
        import ionos_migrate.compat.autoshim  # noqa: F401  (reads the IONOS_MIGRATE_* variables)
    except Exception as _exc:  # this Python cannot import ionos-migrate: say so, and run unshimmed
        _sys.stderr.write("ionos-migrate verify: shim not active in %s: %s\\n" % (_sys.executable, _exc))


    def _chain_shadowed_sitecustomize():
        """Run the sitecustomize.py this one hides, if there is one."""
        import importlib.machinery
        import importlib.util

        here = _os.path.dirname(_os.path.abspath(__file__))
        path = [p for p in _sys.path if _os.path.abspath(p or _os.curdir) != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)


    _chain_shadowed_sitecustomize()
''')


class VerifyError(Exception):
    """A usage problem: bad folders, no command, an unreadable model map (exit 2)."""


@dataclass
class RunResult:
    label: str  # "before", "before#2", "after"
    tree: Path
    exit_code: int | None  # None: timed out
    stdout: str
    stderr: str
    requests: list[dict[str, Any]] = field(default_factory=list)  # journal entries, API requests only
    legacy_calls: list[dict[str, Any]] = field(default_factory=list)  # retired endpoints that reached the upstream

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None

    @property
    def failed(self) -> bool:
        """Exited non-zero or timed out."""
        return self.exit_code != 0

    @property
    def sent_anything(self) -> bool:
        return bool(self.requests or self.legacy_calls)

    def stderr_tail(self, lines: int = STDERR_TAIL_LINES) -> str:
        """The last ``lines`` lines of stderr, bearer tokens blanked."""
        return redact("\n".join(self.stderr.rstrip().splitlines()[-lines:]))

    def to_json(self) -> dict[str, Any]:
        return {
            "tree": str(self.tree),
            "exit_code": self.exit_code,
            "timed_out": self.timed_out,
            "stdout": redact(self.stdout),
            "stderr": redact(self.stderr[-STREAM_LIMIT:]),
            "requests": self.requests,
            "legacy_calls": self.legacy_calls,
        }


@dataclass
class Difference:
    """One reason the runs are not equivalent."""

    kind: str  # request | missing_request | extra_request | legacy_call | exit_code | stdout | timeout
    summary: str
    before: Any = None
    after: Any = None
    fields: list[normalise.FieldDifference] = field(default_factory=list)
    diff: str = ""  # stdout: a unified diff
    count: int = 1  # request: how many requests differ in exactly this way

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "summary": self.summary}
        if self.diff:
            out["diff"] = redact(self.diff)
        if self.count > 1:
            out["count"] = self.count
        if self.before is not None:
            out["before"] = self.before
        if self.after is not None:
            out["after"] = self.after
        if self.fields:
            out["fields"] = [{"field": d.field, "before": d.before, "after": d.after} for d in self.fields]
        return out


@dataclass
class VerifyResult:
    command: list[str]
    upstream: str  # "emulator" or the live URL
    before: RunResult
    after: RunResult
    differences: list[Difference]
    baselines: list[RunResult] = field(default_factory=list)  # extra `before` runs (--repeat)
    noise_fields: list[str] = field(default_factory=list)
    noise_lines: list[int] = field(default_factory=list)  # 0-based lines of before's stdout
    notes: list[str] = field(default_factory=list)
    inconclusive: list[str] = field(default_factory=list)  # why nothing was proven, when nothing differs
    expect_failure: bool = False

    @property
    def verdict(self) -> str:
        """``different``, ``inconclusive`` (nothing differs, but nothing was shown to work) or ``equivalent``."""
        if self.differences:
            return "different"
        return "inconclusive" if self.inconclusive else "equivalent"

    @property
    def equivalent(self) -> bool:
        return self.verdict == "equivalent"

    @property
    def stdout_before(self) -> str:
        return self.before.stdout

    @property
    def stdout_after(self) -> str:
        return self.after.stdout

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "equivalent": self.equivalent,
            "command": self.command,
            "upstream": self.upstream,
            "differences": [d.to_json() for d in self.differences],
            "inconclusive": self.inconclusive,
            "expect_failure": self.expect_failure,
            "noise": {"fields": self.noise_fields, "stdout_lines": [n + 1 for n in self.noise_lines]},
            "notes": self.notes,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "baselines": [run.to_json() for run in self.baselines],
        }

    def render(self) -> str:
        from .verify_report import render_text

        return render_text(self)


# --- running one side ---------------------------------------------------------------


@contextlib.contextmanager
def bootstrap_dir() -> Iterator[Path]:
    """A temporary folder holding the ``sitecustomize.py`` that turns the shim on."""
    with tempfile.TemporaryDirectory(prefix="ionos-migrate-verify-") as folder:
        (Path(folder) / "sitecustomize.py").write_text(SITECUSTOMIZE, "utf-8")
        yield Path(folder)


def run_environment(base: Mapping[str, str], *, bootstrap: Path, upstream: str, legacy_upstream: str,
                    translate: bool, model_map_file: Path | None, offline: bool) -> dict[str, str]:
    """The environment of one run: the user's, plus the shim's switches."""
    env = dict(base)
    user_path = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = str(bootstrap) + (os.pathsep + user_path if user_path else "")
    env["IONOS_MIGRATE_SHIM"] = "1"
    env["IONOS_MIGRATE_UPSTREAM"] = upstream.rstrip("/")
    env["IONOS_MIGRATE_LEGACY_UPSTREAM"] = legacy_upstream.rstrip("/")
    env["IONOS_MIGRATE_TRANSLATE"] = "1" if translate else "0"
    if model_map_file is not None:
        env["IONOS_MIGRATE_MODEL_MAP"] = str(model_map_file)
    else:
        env.pop("IONOS_MIGRATE_MODEL_MAP", None)
    if offline:
        # The emulator takes any token; programs that read their token from the
        # environment must not fail for want of one in an offline check.
        env.setdefault("IONOS_MIGRATE_TOKEN", OFFLINE_TOKEN)
        if not env.get("IONOS_API_TOKEN"):
            env["IONOS_API_TOKEN"] = OFFLINE_TOKEN
    return env


def run_command(cmd: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float | None) -> tuple[int | None, str, str]:
    """Run ``cmd`` in its own process group, killed whole on timeout or interrupt.

    Returns (exit code, or None on timeout; stdout; stderr).
    """
    try:
        process = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise VerifyError(f"cannot run {cmd[0]!r} in {cwd}: {exc.strerror or exc}") from None
    try:
        out, err = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        _kill_group(process)
        out, err = process.communicate()
        code = None
    except BaseException:
        # Ctrl-C: the command runs in its own session, so it did not get the signal; stop it too.
        _kill_group(process)
        process.wait()
        raise
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def split_journal(entries: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(API requests, calls to the retired legacy endpoints)."""
    api, legacy = [], []
    for entry in entries:
        (legacy if normalise.is_legacy_call(entry) else api).append(dict(entry))
    return api, legacy


# --- model map -------------------------------------------------------------------


def write_model_map(model_map: ModelMap, folder: Path) -> Path | None:
    """The user's entries of ``model_map`` as a TOML file the shim can read (None if there are none)."""
    entries = [e for e in model_map.entries.values() if not e.is_bundled]
    if not entries:
        return None
    lines = ["[models]"] + [
        f"{json.dumps(e.legacy_id)} = {{ name = {json.dumps(e.name)}, kind = {json.dumps(e.kind)} }}" for e in entries
    ]
    path = folder / "model-map.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


# --- upstreams -------------------------------------------------------------------------


@contextlib.contextmanager
def recording_upstream(upstream: str | None, legacy_upstream: str | None) -> Iterator[tuple[str, Any]]:
    """Yields (base URL, app): the emulator, or a recorder in front of ``upstream``."""
    if upstream is None:
        from .emulator import create_app

        try:
            app = create_app()  # IONOS_MIGRATE_EMULATOR_FAIL: every API request answered with an error status
        except ValueError as exc:
            raise VerifyError(str(exc)) from None
    else:
        from .recorder import create_recorder

        app = create_recorder(upstream, legacy_upstream or rules.LEGACY_BASE_URL)
    with serve_in_thread(app) as url:
        yield url, app


# --- comparing ---------------------------------------------------------------------------


def compare_runs(before: RunResult, after: RunResult, *, noise_fields: set[str] = frozenset(),
                 noise_lines: set[int] = frozenset()) -> list[Difference]:
    differences: list[Difference] = []
    for run in (before, after):
        if run.timed_out:
            differences.append(Difference("timeout", f"the {run.label} run timed out"))
        if SHIM_INACTIVE in run.stderr:
            # Its traffic was neither routed nor recorded: nothing can be claimed about it.
            differences.append(Difference("shim_inactive", f"the {run.label} run used a Python that cannot import "
                                          "ionos-migrate, so its traffic was not checked (install ionos-migrate "
                                          "into that environment)"))
    comparison = normalise.compare_requests(before.requests, after.requests, noise_fields)
    for (x, y, fields), count in _grouped(comparison.pairs):
        times = f" ({count} requests)" if count > 1 else ""
        differences.append(Difference("request", f"{x['method']} {x['path']} sent differently{times}", x, y, fields,
                                      count=count))
    for x in comparison.only_before:
        differences.append(Difference("missing_request", f"{x['method']} {x['path']} sent only before", before=x))
    for y in comparison.only_after:
        differences.append(Difference("extra_request", f"{y['method']} {y['path']} sent only after", after=y))
    for call in after.legacy_calls:
        differences.append(Difference(
            "legacy_call", f"{call['method']} {call['path']}: the after run still calls the retired legacy API",
            after=normalise.normalise_request(call)))
    if before.exit_code != after.exit_code:
        differences.append(Difference("exit_code", f"exit code {before.exit_code} before, {after.exit_code} after",
                                      before.exit_code, after.exit_code))
    diff = normalise.compare_output(before.stdout, after.stdout, noise_lines)
    if diff:
        differences.append(Difference("stdout", "stdout differs", diff="\n".join(diff)))
    return differences


def _grouped(pairs: Sequence[tuple[Any, Any, list[normalise.FieldDifference]]]) -> list[tuple[Any, int]]:
    """Pairs that differ in exactly the same way, shown once with a count (first seen first)."""
    groups: dict[str, list] = {}
    for pair in pairs:
        x, _, fields = pair
        key = json.dumps([x["method"], x["path"], [[d.field, d.before, d.after] for d in fields]], default=str)
        groups.setdefault(key, [pair, 0])[1] += 1
    return [(pair, count) for pair, count in groups.values()]


def resolve_program(cmd: list[str], trees: Sequence[Path]) -> list[str]:
    """A relative program path (``.venv/bin/python``) is looked up in the trees first, then here."""
    program = Path(cmd[0])
    if program.is_absolute() or len(program.parts) < 2 or any((tree / program).exists() for tree in trees):
        return cmd
    if program.exists():
        return [str(program.absolute())] + cmd[1:]  # not resolve(): a venv's python is a symlink that must stay one
    return cmd


def _check_usage(before: Path, after: Path, cmd: Sequence[str], repeat: int, upstream: str | None,
                 legacy_upstream: str | None) -> None:
    for label, tree in (("--before", before), ("--after", after)):
        if not tree.is_dir():
            raise VerifyError(f"{label} {tree}: not a folder")
    if not cmd:
        raise VerifyError("no command given: put it after `--`, e.g. `-- python main.py`")
    if repeat < 1:
        raise VerifyError(f"--repeat must be 1 or more, not {repeat}")
    for label, url in (("--upstream", upstream), ("legacy_upstream", legacy_upstream)):
        if url is not None:
            try:
                http_base_url(label, url)
            except ValueError as exc:  # else every request of both runs gets the same 502: "equivalent"
                raise VerifyError(str(exc)) from None


def project_models_table(tree: Path) -> dict[str, Any] | None:
    """``[tool.ionos-migrate.models]`` of the tree's own ``pyproject.toml``, if any."""
    path = tree / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VerifyError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("ionos-migrate", {}).get("models")
    if table is not None and not isinstance(table, dict):
        raise VerifyError(f"{path}: [tool.ionos-migrate.models] must be a table")
    return table


def inconclusive_reasons(before: RunResult, after: RunResult, *, expect_failure: bool = False) -> list[str]:
    """Why two runs that do not differ still prove nothing (empty: they prove something)."""
    reasons = []
    if before.exit_code and after.exit_code and not expect_failure:  # both non-zero (a timeout is a difference)
        reasons.append(f"the command failed in both trees (exit {before.exit_code} before, {after.exit_code} after), "
                       "so nothing was shown to work; pass --expect-failure if that failure is what you check")
    if not before.sent_anything and not after.sent_anything:
        reasons.append("neither tree sent a request to the IONOS API, so no traffic was compared: is the command "
                       "a Python program using requests, httpx, aiohttp, urllib or the openai SDK?")
    return reasons


def _resolve_model_map(model_map: ModelMap | None, model_map_file: Path | None, before: Path, folder: Path) -> Path | None:
    """The map the ``before`` run's shim uses, written where it can read it."""
    if model_map is None:
        files = (Path(model_map_file),) if model_map_file is not None else ()
        try:
            model_map = ModelMap.load(project_table=project_models_table(before), files=files)
        except ModelMapError as exc:
            raise VerifyError(str(exc)) from None
    return write_model_map(model_map, folder)


def verify(
    before: Path,
    after: Path,
    cmd: Sequence[str],
    *,
    model_map_file: Path | None = None,
    model_map: ModelMap | None = None,
    upstream: str | None = None,
    legacy_upstream: str | None = None,
    repeat: int = 1,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    expect_failure: bool = False,
) -> VerifyResult:
    """Run ``cmd`` on both trees against one recorded upstream, and compare.

    The model map: ``model_map`` (a loaded map) if given, else the bundled
    map, the ``before`` tree's ``[tool.ionos-migrate.models]`` and
    ``model_map_file``, later winning (as the CLI does). ``upstream``:
    a live OpenAI-compatible base URL instead of the emulator;
    ``legacy_upstream`` then says where collection queries go (default the
    real legacy host). ``env``: the base environment (default ``os.environ``).
    ``progress`` is called with a run's label ("before", "before#2", "after") as it starts.
    ``expect_failure``: both runs exiting non-zero is what is being checked, not
    a reason to call the result inconclusive.
    Raises :class:`VerifyError` on usage problems.
    """
    before, after = Path(before).resolve(), Path(after).resolve()
    cmd = [str(part) for part in cmd]
    _check_usage(before, after, cmd, repeat, upstream, legacy_upstream)
    cmd = resolve_program(cmd, (before, after))
    base_env = dict(os.environ if env is None else env)
    with bootstrap_dir() as boot, recording_upstream(upstream, legacy_upstream) as (url, app):
        map_file = _resolve_model_map(model_map, model_map_file, before, boot)
        offline = upstream is None

        def run(label: str, tree: Path, translate: bool) -> RunResult:
            run_env = run_environment(base_env, bootstrap=boot, upstream=f"{url}/v1", legacy_upstream=url,
                                      translate=translate, model_map_file=map_file, offline=offline)
            if progress is not None:
                progress(label)
            app.state.journal.clear()
            code, out, err = run_command(cmd, tree, run_env, timeout)
            requests, legacy = split_journal(app.state.journal.entries())
            return RunResult(label, tree, code, out, err, requests, legacy)

        before_runs = [run("before" if i == 0 else f"before#{i + 1}", before, True) for i in range(repeat)]
        after_run = run("after", after, False)

    reference = before_runs[0]
    noise_fields: set[str] = set()
    noise_lines: set[int] = set()
    for other in before_runs[1:]:
        noise_fields |= normalise.request_noise(reference.requests, other.requests)
        noise_lines |= normalise.output_noise(reference.stdout, other.stdout)
    return VerifyResult(
        command=cmd,
        upstream=upstream or "emulator",
        before=reference,
        after=after_run,
        differences=compare_runs(reference, after_run, noise_fields=noise_fields, noise_lines=noise_lines),
        baselines=before_runs[1:],
        noise_fields=sorted(noise_fields),
        noise_lines=sorted(noise_lines),
        notes=_notes(before_runs, after_run, offline=upstream is None),
        inconclusive=inconclusive_reasons(reference, after_run, expect_failure=expect_failure),
        expect_failure=expect_failure,
    )


def _notes(before_runs: Sequence[RunResult], after: RunResult, *, offline: bool = False) -> list[str]:
    notes = []
    if offline:
        from .emulator import FAIL_ENV

        if os.environ.get(FAIL_ENV):
            notes.append(f"the emulator answered API requests with an error on purpose ({FAIL_ENV}="
                         f"{os.environ[FAIL_ENV]}): this run compares the error paths")
    reference = before_runs[0]
    if not reference.sent_anything and after.sent_anything:  # neither sent anything: an inconclusive reason
        notes.append("the before run sent no request to the IONOS API: is the command a Python program "
                     "using requests, httpx, aiohttp, urllib or the openai SDK?")
    if reference.legacy_calls:
        notes.append(f"{len(reference.legacy_calls)} legacy call(s) of the before run reached the upstream "
                     "untranslated (the shim did not cover them)")
    return notes

