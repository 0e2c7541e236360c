"""Run the codemods over every .py file of this machine's standard library and site-packages.

Not a test (it takes minutes): the false-positive figures in docs/codemods.md come from it.

    .venv/bin/python tests/codemods/scan_installed.py            # every file, as `transform` sees it
    .venv/bin/python tests/codemods/scan_installed.py --all-rules  # no marker check: every rule looks at
                                                                     # files that mention /models, predict, .post(...
Prints the number of files, changed files, findings, parse errors and seconds; exit 1 if anything changed.
"""

from __future__ import annotations

import site
import sys
import sysconfig
import time
from pathlib import Path

import libcst as cst

import ionos_migrate.codemods.core as core
from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.compat.model_map import ModelMap

HTTP_WORDS = ("inference.de-txl.ionos.com", "/predictions", "/models", "predict", ".post(", "urlopen(", ".request(")


def main(argv: list[str]) -> int:
    all_rules = "--all-rules" in argv
    if all_rules:
        core.may_hold_sites = lambda *args: True  # every file that mentions HTTP words gets every rule
    roots = [Path(sysconfig.get_paths()["stdlib"]), *map(Path, site.getsitepackages())]
    context = MigrationContext(ModelMap.bundled())
    files = [path for root in roots for path in root.rglob("*.py")]
    analysed = changed = findings = errors = 0
    started = time.perf_counter()
    for path in files:
        try:
            source = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if all_rules and not any(word in source for word in HTTP_WORDS):
            continue
        analysed += 1
        try:
            result = transform(source, path=str(path), context=context)
        except cst.ParserSyntaxError:
            errors += 1
            continue
        if result.code != source:
            changed += 1
            print("changed:", path)
        for finding in result.findings:
            findings += 1
            print(f"{path}:{finding.line}: {finding.status} {finding.message}")
    elapsed = time.perf_counter() - started
    print(f"files={len(files)} analysed={analysed} changed={changed} findings={findings} "
          f"parse_errors={errors} seconds={elapsed:.1f}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
