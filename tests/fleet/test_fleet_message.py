"""The commit message a repository's pull request is made of."""

from __future__ import annotations

from ionos_migrate.fleet.message import MAX_BODY, pull_request_text, suggested_test_command, title
from ionos_migrate.fleet.migration import Migration, Site


def site(status: str, rule: str = "ionos-predictions", n: int = 1, message: str = "why") -> Site:
    return Site(f"pkg/mod{n}.py", n, rule, status, message)


def test_the_text_has_a_title_per_rule_counts_every_manual_site_and_how_to_check():
    migration = Migration(0, [site("migrated", n=1), site("migrated", n=2), site("migrated", "ionos-models-list", 3),
                              site("manual", n=4, message="unknown model id 0b6c\n  add it"),
                              site("error", "parse-error", 5, "cannot parse: invalid syntax"),
                              site("info", "legacy-url-constant", 6, "URL still holds the retired URL")])
    text = pull_request_text(migration, base_branch="trunk", test_command="make test")
    head, _, body = text.partition("\n\n")
    assert head == "Move 3 call sites off the retired IONOS AI Model Hub API (1 left for manual work)"
    assert "**Migrated: 3 sites in 3 files**" in body
    assert "| `ionos-models-list` | 1 |" in body and "| `ionos-predictions` | 2 |" in body
    assert "- `pkg/mod4.py:4` [ionos-predictions] unknown model id 0b6c add it" in body
    assert "- `pkg/mod5.py:5` [parse-error] cannot parse: invalid syntax" in body
    assert "- `pkg/mod6.py:6` [legacy-url-constant] URL still holds" in body
    assert "git worktree add ../before-ionos-migrate origin/trunk" in body
    assert "ionos-migrate verify --before ../before-ionos-migrate --after . -- make test" in body
    assert not any(line.startswith("#") for line in text.splitlines())  # git would drop such lines


def test_a_status_the_fleet_does_not_know_is_left_for_a_human_not_dropped():
    migration = Migration(0, [site("migratable", n=1), site("migrated", n=2)])
    assert [s.status for s in migration.left] == ["migratable"]
    assert "- `pkg/mod1.py:1`" in pull_request_text(migration, base_branch="main", test_command="x")


def test_titles():
    assert title(Migration(0, [site("migrated")])) == "Move 1 call site off the retired IONOS AI Model Hub API"
    assert title(Migration(0, [site("manual"), site("manual")])) == (
        "Mark 2 call sites of the retired IONOS AI Model Hub API for manual migration")


def test_a_huge_listing_is_cut_to_fit_a_pull_request_and_says_how_much_was_cut():
    sites = [site("manual", n=n, message="x" * 200) for n in range(1000)]
    text = pull_request_text(Migration(0, sites), base_branch="main", test_command="pytest")
    body = text.partition("\n\n")[2]
    assert len(body) <= MAX_BODY
    listed = body.count("\n- `pkg/mod")
    assert 0 < listed < 1000
    assert f"… {1000 - listed} more site(s) cut to fit a pull request" in body
    assert "**How to check**" in body  # the end of the text survives the cut


def test_the_test_command_comes_from_check_cmd_or_the_repository_s_files(tmp_path):
    assert suggested_test_command(tmp_path, None) == "<your test command>"
    (tmp_path / "Makefile").write_text("build:\n\ttrue\ntest:\n\tpytest\n")
    assert suggested_test_command(tmp_path, None) == "make test"
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    assert suggested_test_command(tmp_path, None) == "python -m pytest"
    assert suggested_test_command(tmp_path, "tox -e py312") == "tox -e py312"
    assert suggested_test_command(tmp_path, "make lint && make test") == "sh -c 'make lint && make test'"
