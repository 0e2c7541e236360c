"""verify says EQUIVALENT only with proof: failing runs and silent runs are INCONCLUSIVE (exit 3).

And a failing run's stderr reaches the console, tokens blanked.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from ionos_migrate.cli import EXIT_INCONCLUSIVE, main
from ionos_migrate.compat.verify import verify

# One chat request on the OpenAI host (both trees run it unchanged), then an exit code of choice.
CHAT_THEN_EXIT = '''
import json, sys, urllib.request
body = {{"model": "meta-llama/Llama-3.3-70B-Instruct", "messages": [{{"role": "user", "content": "Hi"}}],
         "max_tokens": 20}}
request = urllib.request.Request("https://openai.inference.de-txl.ionos.com/v1/chat/completions",
                                 data=json.dumps(body).encode(),
                                 headers={{"Authorization": "Bearer t", "Content-Type": "application/json"}})
with urllib.request.urlopen(request) as answer:
    print(json.load(answer)["choices"][0]["message"]["content"])
{tail}
'''


def trees(tmp_path: Path, before_tail: str = "", after_tail: str = "") -> tuple[Path, Path]:
    before, after = tmp_path / "before", tmp_path / "after"
    for tree, tail in ((before, before_tail), (after, after_tail)):
        tree.mkdir()
        (tree / "app.py").write_text(CHAT_THEN_EXIT.format(tail=textwrap.dedent(tail)), "utf-8")
    return before, after


def cli(*args: str):
    return CliRunner().invoke(main, ["verify", *args])


def test_a_missing_script_is_inconclusive_not_equivalent(tmp_path: Path) -> None:
    before, after = trees(tmp_path)
    result = cli("--before", str(before), "--after", str(after), "--", sys.executable, "nosuch.py")
    assert result.exit_code == EXIT_INCONCLUSIVE == 3, result.output
    headline = result.stdout.splitlines()[0]
    assert headline.startswith("verify: INCONCLUSIVE") and "EQUIVALENT" not in headline
    assert "failed in both trees (exit 2 before, 2 after)" in result.output
    assert "neither tree sent a request" in result.output
    # the reason each run failed is on the console, not only in --report
    assert "before stderr (exit 2, last lines):" in result.output and "after stderr (exit 2" in result.output
    assert "nosuch.py" in result.output.split("before stderr", 1)[1]


def test_the_same_failure_in_both_trees_is_inconclusive_unless_expected(tmp_path: Path) -> None:
    before, after = trees(tmp_path, "raise SystemExit('the report step failed')",
                          "raise SystemExit('the report step failed')")
    plain = verify(before, after, [sys.executable, "app.py"])
    assert plain.differences == [] and not plain.equivalent and plain.verdict == "inconclusive"
    assert len(plain.after.requests) == 1  # traffic was compared; the failure alone makes it unproven

    expected = verify(before, after, [sys.executable, "app.py"], expect_failure=True)
    assert expected.equivalent and expected.verdict == "equivalent", expected.render()

    flagged = cli("--before", str(before), "--after", str(after), "--expect-failure", "--", sys.executable, "app.py")
    assert flagged.exit_code == 0, flagged.output
    assert flagged.stdout.startswith("verify: EQUIVALENT")


def test_expect_failure_does_not_excuse_a_run_with_no_traffic(tmp_path: Path) -> None:
    before, after = trees(tmp_path)
    result = cli("--before", str(before), "--after", str(after), "--expect-failure", "--", sys.executable, "nosuch.py")
    assert result.exit_code == EXIT_INCONCLUSIVE, result.output
    assert "neither tree sent a request" in result.output and "failed in both trees" not in result.output


def test_a_successful_command_that_sends_nothing_is_inconclusive(tmp_path: Path) -> None:
    before, after = trees(tmp_path)
    report = tmp_path / "report.json"
    result = cli("--before", str(before), "--after", str(after), "--report", str(report),
                 "--", sys.executable, "-c", "print('hello')")
    assert result.exit_code == EXIT_INCONCLUSIVE, result.output
    data = json.loads(report.read_text("utf-8"))
    assert data["verdict"] == "inconclusive" and data["equivalent"] is False and data["differences"] == []
    assert len(data["inconclusive"]) == 1 and "neither tree sent a request" in data["inconclusive"][0]
    assert "stderr" not in result.output  # both runs succeeded: no stderr section


def test_only_the_after_run_crashing_shows_its_traceback_with_tokens_blanked(tmp_path: Path) -> None:
    before, after = trees(tmp_path, after_tail='''
        import sys
        print("calling with Authorization: Bearer sk-very-secret-42", file=sys.stderr)
        raise RuntimeError("boom in the migrated code")
    ''')
    result = cli("--before", str(before), "--after", str(after), "--", sys.executable, "app.py")
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("verify: NOT EQUIVALENT")
    tail = result.output.split("after stderr (exit 1, last lines):", 1)[1]
    assert "RuntimeError: boom in the migrated code" in tail and "Traceback" in tail
    assert "Bearer ***" in tail and "sk-very-secret-42" not in result.output
    assert "before stderr" not in result.output  # the before run succeeded
