"""``python -m ionos_migrate.fleet``: migrate every repository of an all-repos config.

all-repos does the sources, the clones and the pushes: ``add_fixer_args``,
``from_cli``, ``repo_context``, ``config.push``, its ``grep`` for
``find_repos`` and its process mapper. Its ``fix`` loop commits every
repository with one fixed message, so this module has the same loop
(``_fix_inner``'s steps, in its order) around the same pieces, with a
pull-request text per repository, a check that can refuse the commit, and a
record per repository for the fleet report.
"""

from __future__ import annotations

import argparse
import functools
import os
import shlex
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

from all_repos import autofix_lib, mapper
from all_repos.config import Config
from all_repos.grep import GrepError, repos_matching

from ionos_migrate.fleet import checks, message, migration
from ionos_migrate.fleet.report import FleetReport, FleetReportError, RepoRecord, format_for, scrub, write

# all-repos names the branch all-repos_autofix_<this>.
BRANCH = "ionos-migrate"
BASE = "origin/HEAD"


@dataclass(frozen=True)
class Settings:
    """What a worker process needs besides all-repos's config (picklable)."""

    branch: str
    target: str | None
    model_map: Path | None
    check_cmd: str | None
    check_timeout: float | None
    engine_jobs: int | None
    author: str | None
    dry_run: bool
    interactive: bool
    color: bool


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ionos_migrate.fleet",
        description="Migrate every repository of an all-repos config off the retired IONOS AI Model Hub API: "
                    "one commit per repository with a pull-request text, pushed through the config's push.",
    )
    autofix_lib.add_fixer_args(parser)
    parser.add_argument("--target", choices=("http", "openai"), default=None,
                        help="http: keep each repository's HTTP library; openai: move to the openai SDK "
                             "(default: the repository's [tool.ionos-migrate] target, else http).")
    parser.add_argument("--model-map", type=Path, default=None, metavar="FILE",
                        help='TOML file with a [models] table, for every repository (wins over theirs).')
    parser.add_argument("--check-cmd", default=None, metavar="CMD",
                        help="Shell command run in each rewritten clone; a repository where it fails is "
                             "reported, not committed.")
    parser.add_argument("--check-timeout", type=float, default=None, metavar="SECONDS",
                        help="Seconds --check-cmd may take in one repository (default: no limit).")
    parser.add_argument("--report", type=Path, default=None, metavar="FILE",
                        help="Write the fleet report: .json, .md or .html.")
    parser.add_argument("--shard", default=None, metavar="I/N",
                        help="Take only the I-th of N stable shares of the repositories (CI matrix jobs).")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    shard, report_path, model_map = _validate(parser, args)
    started = time.perf_counter()
    try:
        repos, config, commit, autofix = autofix_lib.from_cli(
            args, find_repos=find_repos, msg="(a pull-request text per repository)", branch_name=BRANCH)
        repos = list(repos)
    except FileNotFoundError as exc:
        if not os.path.exists(args.config_filename):
            parser.exit(2, f"{parser.prog}: no all-repos config at {args.config_filename} (-C FILE)\n")
        parser.exit(2, f"{parser.prog}: {exc.filename or exc} is missing; run `all-repos-clone -C "
                       f"{args.config_filename}` first\n")
    except GrepError as exc:
        parser.exit(2, f"{parser.prog}: git grep failed (exit {exc.args[0]}) in a cloned repository\n")
    find_seconds = time.perf_counter() - started
    names = {path: _name(path, config.output_dir) for path in repos}
    if shard:
        repos = [path for path in repos if migration.in_shard(names[path], *shard)]
    left_out = repos[autofix.limit:] if autofix.limit is not None else []
    repos = repos[:autofix.limit]
    settings = Settings(
        branch=f"all-repos_autofix_{commit.branch_name}", target=args.target, model_map=model_map,
        check_cmd=args.check_cmd, check_timeout=args.check_timeout,
        engine_jobs=1 if autofix.jobs > 1 else None,  # the repositories run in parallel already
        author=commit.author, dry_run=autofix.dry_run, interactive=autofix.interactive, color=autofix.color)

    fix = functools.partial(fix_repo, settings=settings, config=config)
    with mapper.process_mapper(autofix.jobs) as do_map:
        records = list(do_map(fix, repos))
    records += [RepoRecord(names[path], "skipped") for path in left_out]
    if args.repos is None:  # the config's other repositories: no legacy signal, never cloned again
        matched = set(names.values())
        records += [RepoRecord(name, "clean") for name in config.get_cloned_repos()
                    if name not in matched and (not shard or migration.in_shard(name, *shard))]
    report = FleetReport(records, dry_run=autofix.dry_run, shards=[args.shard or "1/1"], runs=[{
        "shard": args.shard or "1/1", "jobs": autofix.jobs, "wall_seconds": round(time.perf_counter() - started, 3),
        "find_repos_seconds": round(find_seconds, 3)}])
    _print_summary(report)
    if report_path:
        try:
            write(report, report_path)
        except FleetReportError as exc:
            parser.exit(2, f"{parser.prog}: {exc}\n")
    return 1 if any(record.needs_attention for record in records) else 0


def _validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[Any, Path | None, Path | None]:
    """Bad flags are exit 2 before any repository is touched."""
    try:
        shard = migration.parse_shard(args.shard) if args.shard else None
    except ValueError as exc:
        parser.error(str(exc))
    report = args.report.resolve() if args.report else None  # the run changes folders
    if report:
        try:
            format_for(report, None)
        except FleetReportError as exc:
            parser.error(f"--report {exc}")
        if not report.parent.is_dir():
            parser.error(f"--report {args.report}: folder {args.report.parent} does not exist")
    model_map = args.model_map.resolve() if args.model_map else None
    if model_map and not model_map.is_file():
        parser.error(f"--model-map {args.model_map}: no such file")
    return shard, report, model_map


def find_repos(config: Config) -> list[str]:
    """The cloned repositories with a legacy signal in a tracked file: the engine's prefilter, by git grep."""
    return sorted(repos_matching(config, migration.grep_patterns()))


def _name(path: str, output_dir: str) -> str:
    """A repository as the config names it (its folder under output_dir), else the path given."""
    relative = os.path.relpath(os.path.abspath(path), output_dir)
    return path if relative.startswith(os.pardir) else Path(relative).as_posix()


# --- one repository ----------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.git = 0.0

    @contextmanager
    def in_git(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.git += time.perf_counter() - start


def fix_repo(repo: str, *, settings: Settings, config: Config) -> RepoRecord:
    """Clone, migrate, check, commit and push one repository; never raises."""
    record = RepoRecord(_name(repo, config.output_dir), "error")
    clock = _Clock()
    entered = False
    try:
        with autofix_lib.repo_context(repo, use_color=settings.color):  # clone and fetch: git's time
            entered = True
            clock.git += time.perf_counter() - clock.started
            _fix_in_clone(record, settings, config, clock)
    except RuntimeError:  # repo_context printed why and did not yield
        if entered:
            raise
    if not entered:
        record.error = f"could not clone {repo} or fetch its origin (git's message is in the log above)"
    record.error = scrub(record.error)
    record.seconds = round(time.perf_counter() - clock.started, 3)
    record.git_seconds = round(clock.git, 3)
    print(f"ionos-migrate fleet: {record.repo}: {record.outcome} (found {record.found}, migrated "
          f"{record.migrated}, manual {record.manual}, errors {record.errors})", flush=True)
    return record


def _fix_in_clone(record: RepoRecord, s: Settings, config: Config, clock: _Clock) -> None:
    try:
        with clock.in_git():
            autofix_lib.run("git", "checkout", "--quiet", BASE, "-b", s.branch)
        result = migration.migrate(target=s.target, model_map=s.model_map, jobs=s.engine_jobs)
        _count(record, result)
        if result.failure:
            record.error = result.failure
            return
        record.still_legacy = len(result.found)  # until a commit says otherwise
        with clock.in_git():
            changed = autofix_lib.run("git", "diff", "--quiet", BASE, check=False).returncode != 0
        if not changed:
            record.outcome = "error" if result.errors else "nothing-to-do"
            n = len(result.errors)
            record.error = (f"nothing migrated: {n} file{'s' * (n != 1)} could not be read or parsed "
                            f"({', '.join(sorted({e.path for e in result.errors}))})") if n else None
            return
        problem = checks.compile_check(BASE) or (
            s.check_cmd and checks.command_check(s.check_cmd, timeout=s.check_timeout))
        if problem:
            record.outcome, record.error = "check-failed", problem
            return
        with clock.in_git():
            base_branch = autofix_lib.target_branch()
            earlier = _earlier_branch(s.branch)
        if earlier is not None:
            record.outcome, record.error = earlier
            return
        if s.interactive and not autofix_lib._interactive_check(use_color=s.color):  # all-repos's own prompt
            record.outcome = "declined"
            return
        text = message.pull_request_text(result, base_branch=base_branch,
                                         test_command=message.suggested_test_command(Path("."), s.check_cmd))
        with clock.in_git():
            _commit(text, s.author)
        after = migration.scan(target=s.target, model_map=s.model_map, jobs=s.engine_jobs)
        record.still_legacy = len(after.found) if not after.failure else len(result.left)
        if s.dry_run:
            record.outcome = "would-push"
            return
        with clock.in_git():
            config.push(config.push_settings, s.branch)
        record.outcome = "pushed"
    except Exception as exc:  # noqa: BLE001 - one repository's failure is its record, not the fleet's end
        traceback.print_exc()
        record.outcome, record.error = "error", _describe(exc)


def _count(record: RepoRecord, result: migration.Migration) -> None:
    record.found, record.migrated = len(result.found), len(result.migrated)
    record.manual, record.errors = len(result.left), len(result.errors)
    rules: dict[str, Counter[str]] = {}
    for site in result.sites:
        if site.status != migration.NOTE:
            rules.setdefault(site.rule, Counter())[site.status] += 1
    record.rules = {rule: dict(counts) for rule, counts in sorted(rules.items())}
    record.sites = [asdict(site) for site in result.left + result.errors]


def _earlier_branch(branch: str) -> tuple[str, str | None] | None:
    """An earlier run's branch still on origin (an open pull request): the same change, or a different one."""
    ref = f"refs/remotes/origin/{branch}"
    if subprocess.run(("git", "rev-parse", "--verify", "--quiet", ref), capture_output=True).returncode:
        return None
    ours = subprocess.run(("git", "diff", BASE), capture_output=True, check=True).stdout
    theirs = subprocess.run(("git", "diff", f"{BASE}...{ref}"), capture_output=True, check=True).stdout
    if _patch_id(ours) == _patch_id(theirs):
        return "pending", None
    return "error", (f"branch {branch} from an earlier run is still on origin with a different change; merge or "
                     "close its pull request and delete the branch, then run again")


def _patch_id(diff: bytes) -> str:
    out = subprocess.run(("git", "patch-id", "--stable"), input=diff, capture_output=True, check=True).stdout
    return out.split(b" ")[0].decode() if out else ""


def _commit(text: str, author: str | None) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write(text)
    try:
        # whitespace: keep every line of the text (the default cleanup may drop lines starting with #)
        command = ["git", "commit", "--quiet", "-a", "--cleanup=whitespace", "-F", handle.name]
        autofix_lib.run(*command, *(("--author", author) if author else ()))
    finally:
        os.unlink(handle.name)


def _describe(exc: Exception) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        said = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        command = shlex.join(map(str, exc.cmd)) if isinstance(exc.cmd, (list, tuple)) else str(exc.cmd)
        return f"`{command}` exited {exc.returncode}" + (f": {said.strip()}" if said.strip() else "")
    return f"{type(exc).__name__}: {exc}"


def _print_summary(report: FleetReport) -> None:
    totals = report.totals()
    outcomes = ", ".join(f"{name} {n}" for name, n in report.outcomes().items())
    print(f"ionos-migrate fleet{' (dry run)' if report.dry_run else ''}: {totals['repositories']} repositories "
          f"({outcomes}); sites found {totals['found']}, migrated {totals['migrated']}, manual {totals['manual']}, "
          f"errors {totals['errors']}", file=sys.stderr, flush=True)
