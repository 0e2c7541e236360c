"""Every line the migration writes in tests/cases is within the file's line length, unless one token forces it.

Compares each case's before/ tree with its after/ and after_openai/ trees: a line
of after/ that is not in before/ was written by the migration. It must fit in
the line length (the case's pyproject ``line-length``, else 88), not counting a
trailing comment the author wrote (it stays on its line), or hold a single token
that cannot be split (a long URL string, one word of a comment).
"""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

import pytest

from ionos_migrate.config import load_project_config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_codemods_cases import CASE_TARGETS, CASES, TARGETS  # noqa: E402

LABELS = {"#", "ionos-migrate:"}  # a marker's prefix words: the text starts after them
CODE_TOKENS = {tokenize.NAME, tokenize.NUMBER, tokenize.STRING}


def line_length(before: Path) -> int:
    if not (before / "pyproject.toml").is_file():
        return 88
    return load_project_config([before]).line_length


def comments(source: str) -> dict[int, tuple[int, str]]:
    """Line -> (column, text) of the comment on it."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = (token.start[1], token.string)
    return found


def code_tokens(line: str) -> int:
    """How many names, numbers and strings a line of code holds (an f-string counts once)."""
    count, depth = 0, 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline):
            start, end = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1)
            if token.type == start:
                count += depth == 0
                depth += 1
            elif token.type == end:
                depth -= 1
            elif depth == 0 and token.type in CODE_TOKENS:
                count += 1
    except (tokenize.TokenError, IndentationError):  # a line of a bracket that opens above: enough tokens read
        pass
    return count


def too_long(before: str, after: str, limit: int) -> list[str]:
    old = set(before.splitlines())
    own_comments = {text for _column, text in comments(before).values()}
    found = comments(after)
    bad = []
    for number, line in enumerate(after.splitlines(), start=1):
        if line in old or len(line) <= limit:
            continue
        column, comment = found.get(number, (len(line), ""))
        code = line[:column].rstrip()
        if not code.strip():  # a comment line: one word left on it cannot be wrapped
            if len([word for word in comment.split() if word not in LABELS]) <= 1:
                continue
        elif comment in own_comments and len(code) <= limit:
            continue  # the author's trailing comment stays where it was
        elif code_tokens(code) <= 1:
            continue  # one long token (a URL string)
        bad.append(f"{number}: ({len(line)}) {line}")
    return bad


@pytest.mark.parametrize("name, target", CASE_TARGETS)
def test_lines_the_migration_writes_fit_the_line_length(name, target):
    before_root, after_root = CASES / name / "before", CASES / name / TARGETS[target][0]
    limit = line_length(before_root)
    problems = []
    for path in sorted(after_root.rglob("*.py")):
        rel = path.relative_to(after_root)
        before = (before_root / rel).read_text("utf-8") if (before_root / rel).is_file() else ""
        problems += [f"{rel}:{bad}" for bad in too_long(before, path.read_text("utf-8"), limit)]
    assert not problems, f"lines longer than {limit}:\n" + "\n".join(problems)


def test_the_check_itself_catches_a_long_written_line_and_lets_one_long_token_pass():
    before = 'x = 1  # the author\n'
    url = '"https://example.invalid/' + "a" * 90 + '"'
    after = (
        "x = call(the_first_argument_is_long, second_argument_is_long, third_argument_is_long, fourth)\n"
        f"    {url},\n"
        f"# ionos-migrate: {'w' * 100}\n"
        "y = 2" + " " * 90 + "  # the author\n"
    )
    bad = too_long(before, after, 88)
    assert [line.split(":")[0] for line in bad] == ["1"]
