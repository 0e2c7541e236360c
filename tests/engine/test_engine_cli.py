"""scan / diff / apply end to end on temporary trees, through the real CLI and the real codemods."""

from __future__ import annotations

import codecs
import json

from engine_helpers import CLEAN_MODULE, LEGACY_MODULE, LEGACY_URL, git, make_tree, notebook, run_subprocess

NEW_HOST = "https://openai.inference.de-txl.ionos.com"


def report(path) -> dict:
    return json.loads(path.read_text("utf-8"))


# --- exit codes and what each command does -----------------------------------------


def test_clean_tree_exits_0_for_every_command(tmp_path, cli):
    make_tree(tmp_path, {"app.py": CLEAN_MODULE, "notes.json": "{}"})
    for command in ("scan", "diff", "apply"):
        result = cli(tmp_path, command, "--jobs", "1")
        assert result.exit_code == 0, (command, result.output)


def test_scan_lists_sites_exits_1_and_writes_nothing(tmp_path, cli):
    make_tree(tmp_path, {"app/legacy.py": LEGACY_MODULE, "app/clean.py": CLEAN_MODULE})
    result = cli(tmp_path, "scan", "--report", "out.json")
    assert result.exit_code == 1
    assert "app/legacy.py:3:" in result.output  # the call starts on line 3
    assert (tmp_path / "app/legacy.py").read_text() == LEGACY_MODULE
    data = report(tmp_path / "out.json")
    assert data["summary"]["files_scanned"] == 2 and data["summary"]["files_prefiltered_out"] == 1
    assert [f["path"] for f in data["findings"]] == ["app/legacy.py"]


def test_diff_shows_the_rewrite_writes_nothing_exits_1(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})
    result = cli(tmp_path, "diff")
    assert result.exit_code == 1
    assert "--- a/legacy.py" in result.output and f"+    \"{NEW_HOST}/v1/chat/completions\"," in result.output
    assert f'-    "{LEGACY_URL}",' in result.output
    assert (tmp_path / "legacy.py").read_text() == LEGACY_MODULE


def test_apply_rewrites_exits_0_and_a_second_apply_changes_nothing(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE, "clean.py": CLEAN_MODULE})
    first = cli(tmp_path, "apply", "--report", "first.json")
    assert first.exit_code == 0, first.output
    migrated = (tmp_path / "legacy.py").read_text()
    assert LEGACY_URL not in migrated and NEW_HOST in migrated
    assert report(tmp_path / "first.json")["summary"]["sites_migrated"] == 1
    second = cli(tmp_path, "apply", "--report", "second.json")
    assert second.exit_code == 0
    assert (tmp_path / "legacy.py").read_text() == migrated
    assert report(tmp_path / "second.json")["summary"]["files_changed"] == 0
    assert (tmp_path / "clean.py").read_text() == CLEAN_MODULE


def test_the_scanned_folders_own_init_module_is_migrated(tmp_path, cli):
    # Its package name is the folder's, which the tree does not show: it has no dotted name of its own.
    make_tree(tmp_path, {"__init__.py": LEGACY_MODULE})
    for path in (".", "__init__.py"):
        result = cli(tmp_path, "diff", "--jobs", "1", path)
        assert result.exit_code == 1, result.output
        assert "--- a/__init__.py" in result.output and NEW_HOST in result.output


def test_unknown_model_id_is_left_for_manual_work_exit_1(tmp_path, cli):
    unknown = LEGACY_MODULE.replace("b18b18de-92c3-466e-81a8-e5df91890091", "00000000-1111-2222-3333-444444444444")
    make_tree(tmp_path, {"legacy.py": unknown})
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 1
    statuses = {f["status"] for f in report(tmp_path / "r.json")["findings"]}
    assert statuses == {"manual"}
    assert '"https://inference.de-txl.ionos.com/models/00000000' in (tmp_path / "legacy.py").read_text()


def test_user_model_map_resolves_an_unknown_id(tmp_path, cli):
    unknown = LEGACY_MODULE.replace("b18b18de-92c3-466e-81a8-e5df91890091", "00000000-1111-2222-3333-444444444444")
    user_map = '[models]\n"00000000-1111-2222-3333-444444444444" = "my/model"\n'
    make_tree(tmp_path, {"legacy.py": unknown, "map.toml": user_map})
    result = cli(tmp_path, "apply", "--model-map", "map.toml")
    assert result.exit_code == 0, result.output
    assert '"model": "my/model"' in (tmp_path / "legacy.py").read_text()


# --- safety ----------------------------------------------------------------------------


def test_unparsable_file_is_an_error_finding_left_untouched_and_the_run_goes_on(tmp_path, cli):
    broken = f'URL = "{LEGACY_URL}"\ndef broken(:\n    pass\n'
    make_tree(tmp_path, {"broken.py": broken, "legacy.py": LEGACY_MODULE})
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 1
    assert (tmp_path / "broken.py").read_text() == broken
    assert NEW_HOST in (tmp_path / "legacy.py").read_text()
    [error] = [f for f in report(tmp_path / "r.json")["findings"] if f["status"] == "error"]
    assert (error["path"], error["rule"], error["line"]) == ("broken.py", "parse-error", 2)
    assert "cannot parse" in error["message"]


def test_undecodable_file_is_an_error_finding(tmp_path, cli):
    make_tree(tmp_path, {"bad.py": f'URL = "{LEGACY_URL}"\nX = "\xff"\n'.encode("latin-1")})
    result = cli(tmp_path, "scan", "--report", "r.json")
    assert result.exit_code == 1
    [error] = report(tmp_path / "r.json")["findings"]
    assert error["status"] == "error" and "utf-8" in error["message"] and error["line"] == 2


def test_notebook_with_malformed_cells_is_an_error_finding_and_the_run_goes_on(tmp_path, cli):
    broken = json.dumps({"cells": [{"cell_type": "code", "source": [f'URL = "{LEGACY_URL}"\n', 5]}],
                         "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    make_tree(tmp_path, {"broken.ipynb": broken, "legacy.py": LEGACY_MODULE})
    result = cli(tmp_path, "scan", "--jobs", "1", "--report", "r.json")
    assert result.exit_code == 1, result.output
    rules = {(f["path"], f["rule"]) for f in report(tmp_path / "r.json")["findings"]}
    assert ("broken.ipynb", "read-error") in rules and any(path == "legacy.py" for path, _ in rules)
    assert (tmp_path / "broken.ipynb").read_text() == broken


def test_crlf_bom_and_encoding_cookie_survive_the_rewrite(tmp_path, cli):
    crlf = LEGACY_MODULE.replace("\n", "\r\n").encode()
    bom = codecs.BOM_UTF8 + ("# é\n" + LEGACY_MODULE).encode()
    latin = ("# -*- coding: latin-1 -*-\n# café\n" + LEGACY_MODULE).encode("latin-1")
    make_tree(tmp_path, {"crlf.py": crlf, "bom.py": bom, "latin.py": latin})
    result = cli(tmp_path, "apply")
    assert result.exit_code == 0, result.output
    crlf_after = (tmp_path / "crlf.py").read_bytes()
    assert NEW_HOST.encode() in crlf_after
    assert crlf_after.count(b"\n") == crlf_after.count(b"\r\n")  # every line still CRLF
    bom_after = (tmp_path / "bom.py").read_bytes()
    assert bom_after.startswith(codecs.BOM_UTF8 + "# é\n".encode()) and NEW_HOST.encode() in bom_after
    latin_after = (tmp_path / "latin.py").read_bytes()
    assert "# café\n".encode("latin-1") in latin_after and NEW_HOST.encode() in latin_after
    second = cli(tmp_path, "diff")
    assert second.exit_code == 0, second.output  # and nothing more to do


def test_read_only_file_is_a_clear_error_and_nothing_is_lost(tmp_path, cli):
    make_tree(tmp_path, {"ro.py": LEGACY_MODULE, "rw.py": LEGACY_MODULE})
    (tmp_path / "ro.py").chmod(0o444)
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 1
    assert (tmp_path / "ro.py").read_text() == LEGACY_MODULE
    assert NEW_HOST in (tmp_path / "rw.py").read_text()
    findings = report(tmp_path / "r.json")["findings"]
    ro = [f for f in findings if f["path"] == "ro.py"]
    assert {f["status"] for f in ro} == {"manual", "error"}
    assert any("read-only" in f["message"] for f in ro)
    assert not [name for name in (p.name for p in tmp_path.iterdir()) if name.endswith(".ionos-migrate")]


def test_apply_through_a_symlink_and_its_target_in_one_tree_writes_once(tmp_path, cli):
    make_tree(tmp_path, {"real/legacy.py": LEGACY_MODULE})
    (tmp_path / "link.py").symlink_to(tmp_path / "real/legacy.py")
    result = cli(tmp_path, "apply", "--no-progress", "--report", "r.json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.py").is_symlink() and NEW_HOST in (tmp_path / "real/legacy.py").read_text()
    assert not [f for f in report(tmp_path / "r.json")["findings"] if f["status"] == "error"]


def test_apply_that_could_write_nothing_does_not_claim_files_written(tmp_path, cli):
    make_tree(tmp_path, {"ro.py": LEGACY_MODULE})
    (tmp_path / "ro.py").chmod(0o444)
    result = cli(tmp_path, "apply", "--no-progress", "--report", "r.json")
    assert result.exit_code == 1
    assert report(tmp_path / "r.json")["written"] is False
    assert "nothing written" in result.output and "files written" not in result.output


def test_apply_refuses_files_with_uncommitted_changes(tmp_path, cli):
    make_tree(tmp_path, {"committed.py": LEGACY_MODULE, "edited.py": LEGACY_MODULE})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    (tmp_path / "edited.py").write_text(LEGACY_MODULE + "# local edit\n")
    refused = cli(tmp_path, "apply")
    assert refused.exit_code == 2
    assert "edited.py" in refused.output and "uncommitted" in refused.output and "--allow-dirty" in refused.output
    assert (tmp_path / "committed.py").read_text() == LEGACY_MODULE  # nothing written at all
    allowed = cli(tmp_path, "apply", "--allow-dirty")
    assert allowed.exit_code == 0
    assert NEW_HOST in (tmp_path / "edited.py").read_text()


def test_apply_in_a_clean_work_tree_needs_no_flag(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    assert cli(tmp_path, "apply").exit_code == 0


# --- notebooks and other files ------------------------------------------------------


def test_notebook_round_trip(tmp_path, cli):
    cell = "%pip install requests\n" + LEGACY_MODULE + "!echo done\n"
    original = notebook("import os\nprint(os.name)\n", "%%bash\necho hi\n", cell)
    make_tree(tmp_path, {"demo.ipynb": original})
    diff = cli(tmp_path, "diff")
    assert diff.exit_code == 1 and "--- a/demo.ipynb (cell 3)" in diff.output
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "demo.ipynb").read_text("utf-8")
    before, after = json.loads(original), json.loads(text)
    new_source = "".join(after["cells"][3]["source"])
    assert new_source.startswith("%pip install requests\n") and new_source.endswith("!echo done\n")
    assert NEW_HOST in new_source and LEGACY_URL not in new_source
    after["cells"][3]["source"] = before["cells"][3]["source"]
    assert after == before  # outputs, metadata, other cells: untouched
    assert "\n \"cells\": [\n  {\n" in text  # nbformat's indent=1 layout kept
    [finding] = report(tmp_path / "r.json")["findings"]
    assert finding["cell"] == 3 and finding["line"] == 4  # the call, counted in the cell
    assert cli(tmp_path, "diff").exit_code == 0


def test_notebook_cell_uses_a_url_constant_set_in_an_earlier_cell(tmp_path, cli):
    setup = f'import requests\nPREDICT_URL = "{LEGACY_URL}"\n'
    call = 'r = requests.post(PREDICT_URL, json={"properties": {"input": "hi"}})\nprint(r.json()["properties"]["output"])\n'
    make_tree(tmp_path, {"nb.ipynb": notebook(setup, "%matplotlib inline\n", call)})
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 0, result.output
    cells = json.loads((tmp_path / "nb.ipynb").read_text("utf-8"))["cells"]
    assert NEW_HOST in "".join(cells[3]["source"]) and '["choices"][0]' in "".join(cells[3]["source"])
    # cell 1 keeps its constant, now unused: a note (never silent), not manual work
    assert [(f["cell"], f["status"]) for f in report(tmp_path / "r.json")["findings"]] == [(1, "info"), (3, "migrated")]


def test_legacy_urls_in_text_files_are_reported_never_rewritten(tmp_path, cli):
    env = f"IONOS_URL={LEGACY_URL}\n"
    make_tree(tmp_path, {".env": env, "deploy/values.yaml": f"url: {LEGACY_URL}\n"})
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 1
    assert (tmp_path / ".env").read_text() == env
    findings = report(tmp_path / "r.json")["findings"]
    assert [(f["path"], f["status"]) for f in findings] == [(".env", "manual"), ("deploy/values.yaml", "manual")]


# --- configuration, flags and usage errors -------------------------------------------------


def test_pyproject_configuration_is_used_and_flags_win(tmp_path, cli):
    make_tree(tmp_path, {
        "pyproject.toml": '[tool.ionos-migrate]\nexclude = ["vendor/"]\nmarkers = ["llm-gateway.internal"]\n',
        "vendor/legacy.py": LEGACY_MODULE,
        "gateway.py": 'BASE = "https://llm-gateway.internal/"\n',
    })
    result = cli(tmp_path, "scan", "--report", "r.json")
    data = report(tmp_path / "r.json")
    assert data["summary"]["files_scanned"] == 2  # pyproject.toml and gateway.py; vendor/ excluded
    assert data["summary"]["files_parsed"] == 1  # gateway.py passed the prefilter through the marker
    assert result.exit_code == 0
    flagged = cli(tmp_path, "scan", "--exclude", "gateway.py")
    assert flagged.exit_code == 1 and "vendor/legacy.py" in flagged.output


def test_usage_and_configuration_errors_exit_2(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})
    assert cli(tmp_path, "scan", "missing/").exit_code == 2
    assert cli(tmp_path, "scan", "--shard", "3/2").exit_code == 2
    assert cli(tmp_path, "scan", "--report", "out.txt").exit_code == 2
    assert cli(tmp_path, "scan", "--model-map", "nope.toml").exit_code == 2
    assert cli(tmp_path, "scan", "--target", "grpc").exit_code == 2
    (tmp_path / "pyproject.toml").write_text('[tool.ionos-migrate]\njobs = "many"\n')
    result = cli(tmp_path, "scan")
    assert result.exit_code == 2 and "jobs" in result.output
    (tmp_path / "pyproject.toml").write_text("[tool.ionos-migrate\n")
    assert cli(tmp_path, "scan").exit_code == 2


def test_shards_together_find_what_one_run_finds(tmp_path, cli):
    make_tree(tmp_path, {f"mod_{i}.py": LEGACY_MODULE if i % 3 == 0 else CLEAN_MODULE for i in range(30)})
    cli(tmp_path, "scan", "--jobs", "1", "--report", "all.json")
    whole = {f["path"] for f in report(tmp_path / "all.json")["findings"]}
    parts = []
    for index in (1, 2, 3):
        cli(tmp_path, "scan", "--jobs", "1", "--shard", f"{index}/3", "--report", f"s{index}.json")
        parts += [f["path"] for f in report(tmp_path / f"s{index}.json")["findings"]]
    assert sorted(parts) == sorted(whole) and len(whole) == 10


# --- a real process, and the process pool ----------------------------------------------------


def test_real_subprocess_with_a_process_pool_matches_an_inline_run(tmp_path):
    files = {f"pkg/mod_{i}.py": LEGACY_MODULE for i in range(10)}
    files["pkg/settings.py"] = f'PREDICT_URL = "{LEGACY_URL}"\n'
    files["pkg/use.py"] = ("import requests\nfrom pkg.settings import PREDICT_URL\n"
                           'r = requests.post(PREDICT_URL, json={"properties": {"input": "x"}})\n'
                           'print(r.json()["properties"]["output"])\n')
    make_tree(tmp_path, files)
    pooled = run_subprocess(tmp_path, "diff", "--jobs", "2", "--no-progress")
    inline = run_subprocess(tmp_path, "diff", "--jobs", "1", "--no-progress")
    assert pooled.returncode == inline.returncode == 1
    assert pooled.stdout == inline.stdout
    assert "+++ b/pkg/use.py" in pooled.stdout  # the constant imported from settings.py was resolved
    assert "files scanned" not in pooled.stdout  # the summary goes to stderr, stdout is the diff alone
    assert "scanned" in pooled.stderr
    scan = run_subprocess(tmp_path, "scan", "--no-progress")
    assert scan.returncode == 1 and scan.stdout.count("pkg/mod_") == 10


def test_a_failure_of_the_tool_itself_exits_2_with_a_message(tmp_path, cli, monkeypatch):
    import ionos_migrate.cli.migrate as migrate

    def broken_run(*args, **kwargs):
        raise RuntimeError("worker pool died")

    monkeypatch.setattr(migrate, "run", broken_run)
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})
    result = cli(tmp_path, "scan")
    assert result.exit_code == 2 and "worker pool died" in result.output and "bug" in result.output


def test_a_rule_crashing_on_one_file_is_reported_the_run_finishes_and_exits_2(tmp_path, cli, monkeypatch):
    import ionos_migrate.codemods as codemods

    real = codemods.transform

    def flaky(source, *, path, context, earlier_constants=None, module=None):
        if path.endswith("boom.py"):
            raise ValueError("rule bug")
        return real(source, path=path, context=context, module=module)

    monkeypatch.setattr(codemods, "transform", flaky)
    make_tree(tmp_path, {"boom.py": LEGACY_MODULE, "fine.py": LEGACY_MODULE})
    result = cli(tmp_path, "apply", "--jobs", "1", "--report", "r.json")
    assert result.exit_code == 2
    assert (tmp_path / "boom.py").read_text() == LEGACY_MODULE and NEW_HOST in (tmp_path / "fine.py").read_text()
    [error] = [f for f in report(tmp_path / "r.json")["findings"] if f["status"] == "error"]
    assert error["rule"] == "internal-error" and "rule bug" in error["message"]


def test_a_crash_after_the_rules_ran_is_reported_for_that_file_and_the_run_finishes(tmp_path, cli, monkeypatch):
    import ionos_migrate.engine as engine

    real = engine.Change

    def flaky(label, *args, **kwargs):  # the step after the rules: the file's change is recorded
        if label.endswith("boom.py"):
            raise TypeError("leftovers bug")
        return real(label, *args, **kwargs)

    monkeypatch.setattr(engine, "Change", flaky)
    make_tree(tmp_path, {"boom.py": LEGACY_MODULE, "fine.py": LEGACY_MODULE})
    result = cli(tmp_path, "apply", "--jobs", "1", "--report", "r.json")
    assert result.exit_code == 2
    assert (tmp_path / "boom.py").read_text() == LEGACY_MODULE and NEW_HOST in (tmp_path / "fine.py").read_text()
    boom = [f for f in report(tmp_path / "r.json")["findings"] if f["path"] == "boom.py"]
    assert [(f["status"], f["rule"]) for f in boom] == [("error", "internal-error")]
    assert "leftovers bug" in boom[0]["message"]


def test_notebook_whose_layout_json_cannot_reproduce_is_rewritten_and_says_so(tmp_path, cli):
    odd = notebook(LEGACY_MODULE).replace('"nbformat": 4', '"nbformat":   4')
    make_tree(tmp_path, {"odd.ipynb": odd})
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 0, result.output
    findings = report(tmp_path / "r.json")["findings"]
    assert sorted(f["status"] for f in findings) == ["info", "migrated"]
    assert [f["rule"] for f in findings if f["status"] == "info"] == ["notebook-layout"]
    assert json.loads((tmp_path / "odd.ipynb").read_text())["nbformat"] == 4


def test_target_reaches_the_codemods_from_the_flag_or_the_configuration(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})
    http = cli(tmp_path, "diff").stdout
    openai_flag = cli(tmp_path, "diff", "--target", "openai").stdout
    assert http != openai_flag
    (tmp_path / "pyproject.toml").write_text('[tool.ionos-migrate]\ntarget = "openai"\n')
    assert cli(tmp_path, "diff").stdout == openai_flag
    assert cli(tmp_path, "diff", "--target", "http").stdout == http  # the flag wins


def test_sdk_retries_come_from_the_flag_or_the_configuration(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE.replace('"Bearer token"', 'f"Bearer {TOKEN}"').replace(
        "import requests\n", 'import requests\n\nTOKEN = "t" + str(1)\n')})
    assert "max_retries=0," in cli(tmp_path, "diff", "--target", "openai").stdout  # faithful: one request
    assert "max_retries=2," in cli(tmp_path, "diff", "--target", "openai", "--sdk-retries", "2").stdout
    (tmp_path / "pyproject.toml").write_text('[tool.ionos-migrate]\ntarget = "openai"\nsdk-retries = 3\n')
    assert "max_retries=3," in cli(tmp_path, "diff").stdout
    assert "max_retries=1," in cli(tmp_path, "diff", "--sdk-retries", "1").stdout  # the flag wins
    (tmp_path / "pyproject.toml").write_text('[tool.ionos-migrate]\nsdk-retries = -1\n')
    result = cli(tmp_path, "diff")
    assert result.exit_code == 2 and "sdk-retries must be a whole number >= 0" in result.output


def test_report_into_a_missing_folder_is_refused_before_apply_writes_anything(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE})
    result = cli(tmp_path, "apply", "--report", str(tmp_path / "nope" / "r.json"))
    assert result.exit_code == 2 and "does not exist" in result.output
    assert (tmp_path / "legacy.py").read_text("utf-8") == LEGACY_MODULE


def test_report_and_format_come_from_the_configuration_relative_to_pyproject(tmp_path, cli):
    make_tree(tmp_path, {"src/legacy.py": LEGACY_MODULE,
                         "pyproject.toml": '[tool.ionos-migrate]\nreport = "out/review.txt"\nformat = "json"\n'})
    (tmp_path / "out").mkdir()
    assert cli(tmp_path / "src", "scan").exit_code == 1
    assert report(tmp_path / "out" / "review.txt")["findings"][0]["status"] == "migratable"


def test_an_unknown_configuration_key_is_a_clear_usage_error(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE, "pyproject.toml": '[tool.ionos-migrate]\ntargte = "openai"\n'})
    result = cli(tmp_path, "scan")
    assert result.exit_code == 2 and "unknown key(s) targte" in result.output


def test_allow_dirty_from_the_configuration_must_be_a_boolean(tmp_path, cli):
    make_tree(tmp_path, {"legacy.py": LEGACY_MODULE, "pyproject.toml": '[tool.ionos-migrate]\nallow-dirty = "yes"\n'})
    result = cli(tmp_path, "apply")
    assert result.exit_code == 2 and "allow_dirty must be true or false" in result.output
    assert (tmp_path / "legacy.py").read_text("utf-8") == LEGACY_MODULE
