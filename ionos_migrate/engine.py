"""One run over a tree: discover, prefilter, index, transform in parallel.

The engine reads files and hands text to the codemods
(``ionos_migrate.codemods.transform``); they hand text and findings back.
Nothing here writes: :func:`write_changes` does, when the CLI says so.
Work that needs libcst runs in worker processes (or inline for a handful of
files, where starting a pool costs more than it saves); the parent's hot
path (walking and prefiltering) needs no parser.
"""

from __future__ import annotations

import ast
import difflib
import os
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ionos_migrate.codemods.api import Finding, MigrationContext
from ionos_migrate.codemods.facts import ModuleFacts
from ionos_migrate.codemods.shapes import legacy_model_ids, mentions_ionos_bytes
from ionos_migrate.depth import too_deep
from ionos_migrate.discovery import SourceFile, WalkNote, discover, in_shard, module_keys
from ionos_migrate.notebooks import NotebookError, mask_ipython, read_notebook, unmask_ipython
from ionos_migrate.pool import WorkerPool
from ionos_migrate.prefilter import markers, prefilter
from ionos_migrate.project_phase import collect_file_facts, module_ref, plan_project
from ionos_migrate.sourcetext import SourceDecodeError, decode_python, decode_text, to_newline_style, wide_bom
from ionos_migrate.textfiles import scan_text
from ionos_migrate.writer import WriteError, atomic_write

# Below this many files to parse, a process pool costs more than it saves.
INLINE_BELOW = 8
# Files per task sent to a worker: the bar moves file by file at no measurable cost (bench/bench_progress.py).
RULE_PARSE = "parse-error"
RULE_READ = "read-error"
RULE_INTERNAL = "internal-error"
RULE_WRITE = "write-error"
# JSON and SARIF reports name the tool near their start (see reports.py, sarif.py).
REPORT_SIGNATURE = b'"name": "ionos-migrate"'
REPORT_SIGNATURE_WITHIN = 400
MARKDOWN_REPORT = b"## ionos-migrate "  # the Markdown report's first line (reports.render_markdown)


@dataclass(frozen=True)
class RunOptions:
    paths: tuple[Path, ...] = (Path("."),)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    jobs: int = 0  # 0: one per core
    shard: tuple[int, int] | None = None


@dataclass(frozen=True)
class Change:
    """One changed unit: the whole file, or one notebook cell."""

    label: str
    old: str
    new: str

    def unified_diff(self) -> str:
        lines = difflib.unified_diff(
            _diff_lines(self.old), _diff_lines(self.new), fromfile=f"a/{self.label}", tofile=f"b/{self.label}"
        )
        return "".join(lines)


@dataclass
class FileOutcome:
    path: str  # as reports show it
    abs_path: Path
    kind: str
    findings: list[Finding] = field(default_factory=list)
    original: bytes | None = None  # set only when the file would change
    new: bytes | None = None
    changes: list[Change] = field(default_factory=list)
    parsed: bool = False
    crashed: bool = False  # a rule failed: a bug in the tool, not in the file

    @property
    def changed(self) -> bool:
        return self.new is not None

    def diff(self) -> str:
        return "".join(change.unified_diff() for change in self.changes)

    def mark_unwritten(self, reason: str) -> None:
        """The write failed: nothing was migrated here after all, and the report must say so."""
        self.findings = [
            replace(f, status="manual", message=f"not written ({reason}): {f.message}") if f.status == "migrated" else f
            for f in self.findings
        ]
        self.findings.append(_error(self.path, RULE_WRITE, reason))
        self.new = None
        self.changes = []


@dataclass
class RunResult:
    outcomes: list[FileOutcome]
    files_scanned: int
    prefiltered_out: int
    kept_via_import: int
    elapsed: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        found = [f for outcome in self.outcomes for f in outcome.findings]
        return sorted(found, key=lambda f: (f.path, f.cell if f.cell is not None else -1, f.line, f.column))

    @property
    def files_parsed(self) -> int:
        return sum(outcome.parsed for outcome in self.outcomes)

    @property
    def changed(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.changed]

    @property
    def crashed(self) -> bool:
        return any(outcome.crashed for outcome in self.outcomes)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes for f in outcome.findings if f.status == status)

    def summary(self) -> dict[str, int | float]:
        return {
            "files_scanned": self.files_scanned,
            "files_prefiltered_out": self.prefiltered_out,
            "files_parsed": self.files_parsed,
            "files_changed": len(self.changed),
            "sites_migratable": self.count("migratable"),  # scan, diff: what apply would rewrite
            "sites_migrated": self.count("migrated"),  # apply: what it rewrote
            "sites_manual": self.count("manual"),
            "errors": self.count("error"),
            "info": self.count("info"),
            "elapsed_seconds": round(self.elapsed, 3),
        }


Progress = Callable[[str, int, int], None]  # (phase: "reading" or "rewriting", files done, files in the phase)


def run(options: RunOptions, context: MigrationContext, *, progress: Progress | None = None) -> RunResult:
    started = time.perf_counter()
    notes: list[WalkNote] = []  # folders it could not list, FIFOs: reported, never a silent gap
    everything = discover(options.paths, include=options.include, exclude=options.exclude, notes=notes)
    ids = legacy_model_ids(context.model_map.entries, context.model_map.hints)
    # The project phase must see every shard's modules; only the file phase is sharded.
    pre = prefilter(everything, markers(options.markers, ids), weak=True)
    mine = _in_shard(everything, options.shard)
    kept_mine = [f for f in pre.kept if f in mine]
    unreadable = [(file, reason) for file, reason in pre.unreadable if file in mine]
    outcomes = [_unreadable(file, reason) for file, reason in unreadable]
    outcomes += [_walk_note(note) for note in notes if options.shard is None or in_shard(note, *options.shard)]
    outcomes += [_scan_text_file(file, context) for file in kept_mine if file.kind == "text"]
    modules = [f for f in (*pre.kept, *pre.weak) if f.kind == "python"]
    jobs = options.jobs or os.cpu_count() or 1
    with _Mapper(jobs, len(modules) + len(kept_mine)) as map_:
        read = map_(partial(collect_file_facts, legacy_ids=ids), modules, crashed=_no_facts)
        facts = list(_counted(read, "reading", len(modules), progress))
        index = plan_project(modules, facts, [f for f in pre.kept if f.kind == "text"])
        code = [f for f in kept_mine if f.kind != "text"] + [f for f in pre.weak if f in mine and _tied(f, index)]
        work = partial(process_file, context=replace(context, project=index))
        outcomes += _counted(map_(work, code, crashed=_worker_died), "rewriting", len(code), progress)
    outcomes.sort(key=lambda o: o.path)
    return RunResult(
        outcomes=outcomes,
        files_scanned=len(mine),
        prefiltered_out=len(mine) - len(code) - len([f for f in kept_mine if f.kind == "text"]) - len(unreadable),
        kept_via_import=pre.via_import,
        elapsed=time.perf_counter() - started,
    )


def _tied(file: SourceFile, index) -> bool:
    """A file with only a weak marker is parsed when it is tied to IONOS (see codemods.project)."""
    if file.kind == "notebook":
        try:
            return mentions_ionos_bytes(file.path.read_bytes())
        except OSError:
            return True  # the file phase reports it
    return index.in_context(module_ref(file).key)


def _counted(results: Iterable, phase: str, total: int, progress: Progress | None) -> Iterator:
    """The results as they come, telling ``progress`` after each file."""
    for done, item in enumerate(results, start=1):
        if progress:
            progress(phase, done, total)
        yield item


def _in_shard(files: list[SourceFile], shard: tuple[int, int] | None) -> set[SourceFile]:
    if shard is None:
        return set(files)
    return {f for f in files if in_shard(f, *shard)}


class _Mapper:
    """``map`` over a worker pool that survives a dying worker, or inline when there is too little work for one.

    ``map_(fn, items, crashed=...)``: ``crashed(item, reason)`` stands in for the result of an item whose
    worker process died on it (see :mod:`ionos_migrate.pool`). Inline, nothing can stand in: the
    depth check (:mod:`ionos_migrate.depth`) keeps the known crashers away from libcst.
    """

    def __init__(self, jobs: int, work: int) -> None:
        self.pool = WorkerPool(jobs) if jobs > 1 and work >= INLINE_BELOW else None

    def __enter__(self) -> Callable[..., Iterator]:
        if self.pool is None:
            return lambda fn, items, *, crashed: map(fn, items)
        return self.pool.map

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.close()


def write_changes(result: RunResult) -> int:
    """Write every changed file atomically; a file that cannot be written is reported. Returns files written."""
    written = 0
    done: dict[str, bytes] = {}  # real path -> what was written there
    for outcome in result.changed:
        target = os.path.realpath(outcome.abs_path)
        if done.get(target) == outcome.new:
            continue  # a symlink and its target both in the tree: the same rewrite, already written
        try:
            atomic_write(outcome.abs_path, outcome.new, expected=outcome.original)
        except WriteError as exc:
            outcome.mark_unwritten(str(exc))
        else:
            written += 1
            done[target] = outcome.new
    return written


def _no_facts(file: SourceFile, reason: str) -> ModuleFacts:
    return ModuleFacts(parsed=False)  # the worker died on it: the file phase reports the file


# --- one file ----------------------------------------------------------------


def process_file(file: SourceFile, context: MigrationContext) -> FileOutcome:
    """Read one file and run the codemods over it. Never raises for a bad file."""
    outcome = FileOutcome(file.display, file.path, file.kind)
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        return _unreadable(file, exc.strerror or str(exc))
    try:
        if file.kind == "notebook":
            _process_notebook(data, outcome, context)
        else:
            keys = module_keys(file)  # none for the scanned folder's own __init__.py: its name is not in the tree
            _process_module(data, outcome, context, module=keys[0] if keys else None)
    except Exception as exc:  # noqa: BLE001 - a bug outside the rules (say, the leftovers pass) must not stop the run
        crashed = FileOutcome(file.display, file.path, file.kind, crashed=True)  # nothing of it is written
        crashed.findings.append(_bug(crashed.path, exc, cell=None))
        return crashed
    return outcome


def _process_module(data: bytes, outcome: FileOutcome, context: MigrationContext, *, module: str | None) -> None:
    try:
        source = decode_python(data)
    except SourceDecodeError as exc:
        outcome.findings.append(_error(outcome.path, RULE_READ, str(exc), line=exc.line))
        return
    new_text = _transform(source.text, outcome, context, cell=None, module=module)
    if new_text is None:
        return
    new_text = to_newline_style(new_text, source.newline)
    try:
        new_bytes = source.encode(new_text)
    except UnicodeEncodeError as exc:
        outcome.findings.append(_error(
            outcome.path, RULE_INTERNAL, f"the rewrite has characters {source.encoding} cannot hold ({exc.reason}); "
            "file left unchanged"))
        return
    outcome.original, outcome.new = data, new_bytes
    outcome.changes.append(Change(outcome.path, source.text, new_text))


def _process_notebook(data: bytes, outcome: FileOutcome, context: MigrationContext) -> None:
    try:
        notebook = read_notebook(data.decode("utf-8"))
    except (UnicodeDecodeError, NotebookError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        wide = wide_bom(data)
        if wide:  # json.loads would take it, Jupyter would not
            reason = (f"it is {wide[1].upper()} text, and notebooks are UTF-8 JSON (Jupyter cannot open it): "
                      "save it as UTF-8")
        outcome.findings.append(_error(outcome.path, RULE_READ, f"cannot read notebook: {reason}"))
        return
    from ionos_migrate.codemods import collect_constants
    from ionos_migrate.codemods.constants import collect_bearer_headers

    earlier: dict[str, str] = {}  # constants the cells above define: a URL set in cell 1 reaches cell 3
    headers: dict[str, str] = {}  # headers dicts the cells above define -> their bearer token (--target openai)
    for index, source in notebook.code_cells():
        masked = mask_ipython(source)
        if masked is None:
            continue  # a %%bash (or similar) cell: not Python
        python, taken = masked
        new_python = _transform(python, outcome, context, cell=index, earlier=earlier, headers=headers)
        earlier.update(collect_constants(python))
        headers.update(collect_bearer_headers(python))
        if new_python is None:
            continue
        new_source = unmask_ipython(new_python, taken)
        notebook.set_source(index, new_source)
        outcome.changes.append(Change(f"{outcome.path} (cell {index})", source, new_source))
    if outcome.changes:
        outcome.original, outcome.new = data, notebook.dumps().encode("utf-8")
        if not notebook.faithful:
            outcome.findings.append(Finding(
                outcome.path, 1, 1, 1, 1, "notebook-layout", "info",
                "this notebook's JSON layout is not one json.dumps gives back; it is rewritten with "
                f"indent={notebook.indent}: content, metadata and outputs are the same"))


def _transform(source: str, outcome: FileOutcome, context: MigrationContext, *, cell: int | None,
               earlier: dict[str, str] | None = None, module: str | None = None,
               headers: dict[str, str] | None = None) -> str | None:
    """The rewritten text, or None when there is nothing to write. Findings go to ``outcome``."""
    import libcst

    from ionos_migrate.codemods import transform

    deep = too_deep(source)  # libcst's native parser would crash the process on it
    if deep:
        outcome.findings.append(_error(outcome.path, RULE_PARSE, f"not parsed: {deep}; file left unchanged", cell=cell))
        return None
    try:
        notebook = {"earlier_headers": headers} if headers is not None else {}  # a cell: the headers of the cells above
        result = transform(source, path=outcome.path, context=context, earlier_constants=earlier, module=module, **notebook)
    except libcst.ParserSyntaxError as exc:
        message, line, column = _syntax_error(source, exc)
        outcome.findings.append(_error(
            outcome.path, RULE_PARSE, f"cannot parse: {message}; file left unchanged", line=line, column=column,
            cell=cell))
        return None
    except RecursionError:
        outcome.findings.append(_error(outcome.path, RULE_PARSE, "too deeply nested to parse; file left unchanged",
                                       cell=cell))
        return None
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the run
        outcome.crashed = True
        outcome.findings.append(_bug(outcome.path, exc, cell=cell))
        return None
    outcome.parsed = True
    findings = result.findings if cell is None else [replace(f, cell=cell) for f in result.findings]
    outcome.findings.extend(findings)
    if result.code == source:
        return None
    if _parses(source) and not _parses(result.code):
        outcome.crashed = True
        outcome.findings.append(_error(
            outcome.path, RULE_INTERNAL,
            "the rewrite would not parse, so the file is left unchanged. This is a bug in ionos-migrate: please "
            "report it", cell=cell))
        return None
    return result.code


def _syntax_error(source: str, exc: Exception) -> tuple[str, int, int]:
    """Python's own account of a syntax error names the line people expect; libcst's may point past it."""
    try:
        ast.parse(source)
    except SyntaxError as error:
        return error.msg, error.lineno or 1, error.offset or 1
    except (ValueError, RecursionError, MemoryError):
        pass
    return exc.message, exc.editor_line, exc.editor_column  # type: ignore[attr-defined]


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _scan_text_file(file: SourceFile, context: MigrationContext) -> FileOutcome:
    outcome = FileOutcome(file.display, file.path, file.kind)
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        return _unreadable(file, exc.strerror or str(exc))
    if REPORT_SIGNATURE in data[:REPORT_SIGNATURE_WITHIN] or data.startswith(MARKDOWN_REPORT):
        return outcome  # our own JSON or SARIF report, left in the tree: it quotes the sites it found
    outcome.findings.extend(scan_text(decode_text(data), outcome.path, context.model_map))
    return outcome


def _worker_died(file: SourceFile, reason: str) -> FileOutcome:
    outcome = FileOutcome(file.display, file.path, file.kind)
    outcome.findings.append(_error(outcome.path, RULE_PARSE, f"the parser crashed on this file: {reason}; file left "
                                   "unchanged (code nested very deep is the usual cause)"))
    return outcome


def _walk_note(note: WalkNote) -> FileOutcome:
    outcome = FileOutcome(note.display, Path(note.location), "other")
    outcome.findings.append(Finding(note.display, 1, 1, 1, 1, RULE_READ, note.status, note.message))
    return outcome


def _unreadable(file: SourceFile, reason: str) -> FileOutcome:
    outcome = FileOutcome(file.display, file.path, file.kind)
    outcome.findings.append(_error(outcome.path, RULE_READ, f"cannot read: {reason}"))
    return outcome


def _error(path: str, rule: str, message: str, *, line: int = 1, column: int = 1, cell: int | None = None) -> Finding:
    return Finding(path, line, column, line, column, rule, "error", message, cell)


def _bug(path: str, exc: Exception, *, cell: int | None) -> Finding:
    return _error(path, RULE_INTERNAL, f"ionos-migrate failed on this file ({type(exc).__name__}: {exc}); file left "
                  "unchanged. This is a bug in ionos-migrate: please report it", cell=cell)


def _diff_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
