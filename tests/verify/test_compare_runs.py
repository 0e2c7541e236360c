"""compare_runs and the verdict text on recorded runs (no processes)."""

from __future__ import annotations

from pathlib import Path

from ionos_migrate.compat.verify import SHIM_INACTIVE, RunResult, VerifyResult, compare_runs


def chat(content: str, **extra) -> dict:
    body = {"model": "m", "messages": [{"role": "user", "content": content}], "max_tokens": 300, **extra}
    return {"method": "POST", "path": "/v1/chat/completions", "query": "", "body": body, "status": 200}


def run(label: str, requests=(), legacy=(), exit_code=0, stdout="ok\n", stderr="") -> RunResult:
    return RunResult(label, Path("/tree"), exit_code, stdout, stderr, list(requests), list(legacy))


def test_identical_runs_have_no_differences() -> None:
    before = run("before", [chat("a"), chat("b")])
    after = run("after", [chat("b"), chat("a")])
    assert compare_runs(before, after) == []


def test_requests_differing_the_same_way_are_grouped() -> None:
    before = run("before", [chat("a"), chat("b"), chat("c", temperature=0.1)])
    after = run("after", [chat(c) | {"body": {k: v for k, v in chat(c)["body"].items() if k != "max_tokens"}}
                          for c in "ab"] + [chat("c", temperature=0.2)])
    differences = compare_runs(before, after)
    assert [(d.kind, d.count) for d in differences] == [("request", 2), ("request", 1)]
    assert "(2 requests)" in differences[0].summary
    assert [f.field for f in differences[1].fields] == ["body.temperature"]


def test_legacy_call_exit_code_timeout_and_inactive_shim_are_differences() -> None:
    legacy = {"method": "POST", "path": "/models/x/predictions", "query": "", "body": {"properties": {"input": "a"}},
              "status": 404}
    before = run("before", [chat("a")])
    after = run("after", [chat("a")], [legacy], exit_code=None, stderr=f"{SHIM_INACTIVE} in /usr/bin/python3: boom")
    kinds = [d.kind for d in compare_runs(before, after)]
    assert kinds == ["timeout", "shim_inactive", "legacy_call", "exit_code"]


def test_verdict_text_and_json() -> None:
    before = run("before", [chat("a")], stdout="answer: 1\n")
    after = run("after", [chat("a", max_tokens=16)], stdout="answer: 2\n")
    result = VerifyResult(["python", "x.py"], "emulator", before, after, compare_runs(before, after))
    text = result.render()
    assert text.startswith("verify: NOT EQUIVALENT (2 differences)")
    assert "body.max_tokens" in text and "-answer: 1" in text and "+answer: 2" in text
    data = result.to_json()
    assert data["verdict"] == "different"
    assert data["differences"][0]["fields"] == [{"field": "body.max_tokens", "before": 300, "after": 16}]
    assert "+answer: 2" in data["differences"][1]["diff"]


def test_json_report_never_carries_a_bearer_token_the_command_printed() -> None:
    before = run("before", stdout="Authorization: Bearer sk-before-123\n", stderr="curl -H 'Authorization: bearer sk-err-9'")
    after = run("after", stdout="Authorization: Bearer sk-after-456\n")
    result = VerifyResult(["python", "x.py"], "emulator", before, after, compare_runs(before, after))
    text = __import__("json").dumps(result.to_json())
    assert "sk-before-123" not in text and "sk-after-456" not in text and "sk-err-9" not in text
    assert "Bearer ***" in text
