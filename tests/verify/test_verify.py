"""verify on real before/after trees, against the emulator on loopback, with the real shim."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main
from ionos_migrate.compat.emulator import create_app
from ionos_migrate.compat.serving import serve_in_thread
from ionos_migrate.compat.verify import VerifyError, verify

TREES = Path(__file__).parent / "trees"
APP = [sys.executable, "app.py"]
IN_PROCESS = [sys.executable, "app.py", "--in-process"]  # the RAG part without a child process: quicker


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    """A scratch copy of the correct migration, for breaking it."""
    return Path(shutil.copytree(TREES / "migrated", tmp_path / "migrated"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def kinds(result) -> set[str]:
    return {d.kind for d in result.differences}


def changed_fields(result) -> set[str]:
    return {f.field for d in result.differences if d.kind == "request" for f in d.fields}


def test_correct_migration_is_equivalent() -> None:
    result = verify(TREES / "legacy", TREES / "migrated", APP)
    assert result.equivalent, result.render()
    assert result.before.exit_code == result.after.exit_code == 0
    assert result.stdout_before.count("ask: ") == 3 and "handbook: " in result.stdout_before
    # three chats, and the RAG pair: the collection query and a chat with the context as system message
    paths = sorted(r["path"] for r in result.after.requests)
    assert paths.count("/v1/chat/completions") == 4 and any(p.startswith("/collections/") for p in paths)
    assert result.before.legacy_calls == result.after.legacy_calls == []
    assert "EQUIVALENT" in result.render()


@pytest.mark.parametrize("file, old, new, field", [
    ("settings.py", 'MODEL = "meta-llama/Llama-3.3-70B-Instruct"', 'MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct"',
     "body.model"),
    ("app.py", '"max_tokens": 300, ', "", "body.max_tokens"),
    ("app.py", '"temperature": 0.01}', '"temperature": 0.7}', "body.temperature"),
    ("child.py", '"messages": [{"role": "system", "content": context}, {"role": "user", "content": question}]',
     '"messages": [{"role": "user", "content": question}]', "body.messages.0.role"),
], ids=["wrong-model", "dropped-max-tokens", "changed-temperature", "rag-lost-system-message"])
def test_broken_migration_is_caught(migrated: Path, file: str, old: str, new: str, field: str) -> None:
    edit(migrated / file, old, new)
    result = verify(TREES / "legacy", migrated, IN_PROCESS)
    assert not result.equivalent
    assert field in changed_fields(result), result.render()
    assert "stdout" in kinds(result)  # a different request gets a different answer
    assert field in result.render()


def test_leftover_legacy_call_is_caught(migrated: Path) -> None:
    shutil.copy(TREES / "legacy" / "child.py", migrated / "child.py")  # this site was never migrated
    edit(migrated / "settings.py", 'MODEL = "meta-llama/Llama-3.3-70B-Instruct"',
         'MODEL = "meta-llama/Llama-3.3-70B-Instruct"\nLEGACY_MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"')
    edit(migrated / "child.py", "from settings import BASE, HANDBOOK, HEADERS, MODEL",
         "from settings import BASE, HANDBOOK, HEADERS, LEGACY_MODEL as MODEL")
    result = verify(TREES / "legacy", migrated, IN_PROCESS)
    assert not result.equivalent
    [legacy] = [d for d in result.differences if d.kind == "legacy_call"]
    assert legacy.after["path"] == "/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
    assert "retired legacy API" in result.render()


def test_openai_sdk_in_the_after_tree(tmp_path: Path) -> None:
    before, after = small_trees(tmp_path, clock=False)
    (after / "app.py").write_text(textwrap.dedent('''
        from openai import OpenAI
        client = OpenAI(base_url="https://openai.inference.de-txl.ionos.com/v1", api_key="t")
        answer = client.chat.completions.create(model="meta-llama/Llama-3.3-70B-Instruct",
                                                messages=[{"role": "user", "content": "Hi"}], max_tokens=50,
                                                extra_body={"request_id": "fixed"})
        print(answer.choices[0].message.content)
    '''), "utf-8")
    result = verify(before, after, APP)
    assert result.equivalent, result.render()
    assert len(result.after.requests) == 1


# --- small trees written here ---------------------------------------------------------

LEGACY_TEMPLATE = '''
import json, random, sys, time, urllib.request
MODEL = "{model}"
body = {{"properties": {{"input": "Hi", "options": {{"max_length": "50", "request_id": "{request_id}"}}}}}}
request = urllib.request.Request(
    "https://inference.de-txl.ionos.com/models/" + MODEL + "/predictions",
    data=json.dumps(body).encode(), headers={{"Authorization": "Bearer t", "Content-Type": "application/json"}})
with urllib.request.urlopen(request) as answer:
    print(json.load(answer)["properties"]["output"])
{clock}
'''

MIGRATED_TEMPLATE = '''
import json, random, sys, time, urllib.request
body = {{"model": "{name}", "messages": [{{"role": "user", "content": "Hi"}}], "max_tokens": 50,
         "request_id": "{request_id}"}}
request = urllib.request.Request(
    "https://openai.inference.de-txl.ionos.com/v1/chat/completions",
    data=json.dumps(body).encode(), headers={{"Authorization": "Bearer t", "Content-Type": "application/json"}})
with urllib.request.urlopen(request) as answer:
    print(json.load(answer)["choices"][0]["message"]["content"])
{clock}
'''


def small_trees(tmp_path: Path, *, model: str = "b18b18de-92c3-466e-81a8-e5df91890091",
                name: str = "meta-llama/Llama-3.3-70B-Instruct", request_id: str = "fixed",
                clock: bool = True) -> tuple[Path, Path]:
    """Two one-request programs; with ``clock`` both also print the time (stdout noise)."""
    clock_line = 'print("took", time.time())' if clock else ""
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    (before / "app.py").write_text(LEGACY_TEMPLATE.format(model=model, request_id=request_id, clock=clock_line), "utf-8")
    (after / "app.py").write_text(MIGRATED_TEMPLATE.format(name=name, request_id=request_id, clock=clock_line), "utf-8")
    return before, after


def test_repeat_learns_noise_from_two_before_runs(tmp_path: Path) -> None:
    before, after = small_trees(tmp_path, request_id='" + str(random.random()) + "')
    plain = verify(before, after, APP)
    assert not plain.equivalent
    assert "body.request_id" in changed_fields(plain) and "stdout" in kinds(plain)

    baseline = verify(before, after, APP, repeat=2)
    assert baseline.equivalent, baseline.render()
    # the answer line depends on request_id, the time line on the clock: both are noise
    assert baseline.noise_fields == ["body.request_id"] and baseline.noise_lines == [0, 1]
    assert len(baseline.baselines) == 1
    assert "ignored fields: body.request_id; ignored stdout lines: 1, 2" in baseline.render()


def test_model_map_file_reaches_the_shim(tmp_path: Path) -> None:
    unknown = "11111111-2222-3333-4444-555555555555"
    before, after = small_trees(tmp_path, model=unknown, name="acme/our-finetune", clock=False)
    (tmp_path / "map.toml").write_text(f'[models]\n"{unknown}" = "acme/our-finetune"\n', "utf-8")
    mapped = verify(before, after, APP, model_map_file=tmp_path / "map.toml")
    assert mapped.equivalent, mapped.render()
    without = verify(before, after, APP)
    assert not without.equivalent and without.before.exit_code != 0  # the shim will not guess a model


def test_live_upstream_is_recorded_through_the_pass_through(tmp_path: Path) -> None:
    before, after = small_trees(tmp_path)
    live = create_app()  # stands in for the real host; reached only through verify's recorder
    with serve_in_thread(live) as url:
        result = verify(before, after, APP, upstream=url + "/v1", legacy_upstream=url,
                        env={"PATH": "/usr/bin:/bin", "IONOS_API_TOKEN": "live"})
    assert result.upstream == url + "/v1"
    assert not result.equivalent and kinds(result) == {"stdout"}  # only the printed time differs
    assert len(live.state.journal) == 2 and {e["status"] for e in live.state.journal.entries()} == {200}


def test_timeout_is_a_difference(tmp_path: Path) -> None:
    before, after = small_trees(tmp_path)
    (after / "app.py").write_text("import time\ntime.sleep(60)\n", "utf-8")
    result = verify(before, after, APP, timeout=1)
    assert result.after.timed_out and "timeout" in kinds(result)


@pytest.mark.parametrize("problem", ["missing-folder", "no-command", "bad-repeat", "bad-model-map", "no-program",
                                     "bad-upstream"])
def test_usage_errors(tmp_path: Path, problem: str) -> None:
    before, after = small_trees(tmp_path)
    args: dict = {}
    cmd = APP
    if problem == "missing-folder":
        after = tmp_path / "nowhere"
    elif problem == "no-command":
        cmd = []
    elif problem == "bad-repeat":
        args["repeat"] = 0
    elif problem == "bad-model-map":
        (tmp_path / "map.toml").write_text("models = [", "utf-8")
        args["model_map_file"] = tmp_path / "map.toml"
    elif problem == "bad-upstream":
        args["upstream"] = "localhost:8080"  # no scheme: every request would get the same 502 in both runs
    else:
        cmd = ["no-such-program-ionos-migrate"]
    with pytest.raises(VerifyError):
        verify(before, after, cmd, **args)


# --- the command line -------------------------------------------------------------------


def test_cli_exit_codes_and_json_report(tmp_path: Path) -> None:
    runner = CliRunner()
    report = tmp_path / "report.json"
    before, after = small_trees(tmp_path, clock=False)
    same = runner.invoke(main, ["verify", "--before", str(before), "--after", str(after),
                                "--report", str(report), "--", *APP])
    assert same.exit_code == 0, same.output
    assert "verify: EQUIVALENT" in same.output
    data = json.loads(report.read_text("utf-8"))
    assert data["verdict"] == "equivalent" and data["differences"] == []
    assert data["after"]["requests"][0]["body"]["max_tokens"] == 50

    edit(after / "app.py", '"max_tokens": 50', '"max_tokens": 60')
    different = runner.invoke(main, ["verify", "--before", str(before), "--after", str(after), "--report",
                                     str(report), "--", *APP])
    assert different.exit_code == 1
    assert "NOT EQUIVALENT" in different.output and "body.max_tokens" in different.output
    data = json.loads(report.read_text("utf-8"))
    request = next(d for d in data["differences"] if d["kind"] == "request")
    assert {"field": "body.max_tokens", "before": 50, "after": 60} in request["fields"]

    usage = runner.invoke(main, ["verify", "--before", str(before), "--after", str(after), "--", "no-such-program-x"])
    assert usage.exit_code == 2 and "cannot run" in usage.output
    missing = runner.invoke(main, ["verify", "--before", str(before), "--after", str(after)])
    assert missing.exit_code == 2


def test_api_reads_the_before_trees_pyproject_model_map(tmp_path: Path) -> None:
    unknown = "11111111-2222-3333-4444-555555555555"
    before, after = small_trees(tmp_path, model=unknown, name="acme/our-finetune", clock=False)
    (before / "pyproject.toml").write_text(f'[tool.ionos-migrate.models]\n"{unknown}" = "acme/our-finetune"\n', "utf-8")
    result = verify(before, after, APP)
    assert result.equivalent, result.render()


def test_cli_reads_the_before_trees_pyproject_model_map(tmp_path: Path) -> None:
    unknown = "11111111-2222-3333-4444-555555555555"
    before, after = small_trees(tmp_path, model=unknown, name="acme/our-finetune", clock=False)
    (before / "pyproject.toml").write_text(f'[tool.ionos-migrate.models]\n"{unknown}" = "acme/our-finetune"\n', "utf-8")
    result = CliRunner().invoke(main, ["verify", "--before", str(before), "--after", str(after), "--", *APP])
    assert result.exit_code == 0, result.output


def test_a_bad_emulator_fail_switch_is_a_usage_error(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.setenv("IONOS_MIGRATE_EMULATOR_FAIL", "sometimes")
    with pytest.raises(VerifyError, match="IONOS_MIGRATE_EMULATOR_FAIL"):
        verify(tmp_path / "a", tmp_path / "b", [sys.executable, "-c", "pass"])
