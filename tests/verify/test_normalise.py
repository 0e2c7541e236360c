"""Normalisation and comparison of recorded requests and outputs."""

from __future__ import annotations

from ionos_migrate.compat import normalise

CHAT = {"method": "POST", "path": "/v1/chat/completions", "query": "",
        "body": {"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 300, "temperature": 0.01}}


def entry(**body_changes) -> dict:
    return {**CHAT, "body": {**CHAT["body"], **body_changes}}


def test_key_order_number_formatting_and_headers_do_not_matter() -> None:
    reordered = {"path": "/v1/chat/completions/", "method": "post", "headers": {"user-agent": "python-requests"},
                 "body": {"temperature": 0.01, "max_tokens": 300.0, "messages": [{"content": "hi", "role": "user"}],
                          "model": "m"}}
    assert normalise.compare_requests([CHAT], [reordered]).equal


def test_order_of_requests_does_not_matter_but_counts_do() -> None:
    a, b = entry(max_tokens=1), entry(max_tokens=2)
    assert normalise.compare_requests([a, b, a], [a, a, b]).equal
    twice = normalise.compare_requests([a, b], [a, a, b])
    assert not twice.equal and twice.matched == 2 and len(twice.only_after) == 1


def test_a_changed_field_is_paired_and_named() -> None:
    result = normalise.compare_requests([entry(temperature=0.01)], [entry(temperature=0.7)])
    [(before, after, fields)] = result.pairs
    assert [(d.field, d.before, d.after) for d in fields] == [("body.temperature", 0.01, 0.7)]


def test_a_dropped_field_shows_as_absent() -> None:
    dropped = {**CHAT, "body": {k: v for k, v in CHAT["body"].items() if k != "max_tokens"}}
    [(_, _, fields)] = normalise.compare_requests([CHAT], [dropped]).pairs
    assert [(d.field, d.before, d.after) for d in fields] == [("body.max_tokens", 300, normalise.MISSING)]


def test_requests_to_different_endpoints_are_not_paired() -> None:
    other = {"method": "POST", "path": "/v1/completions", "body": {"model": "m", "prompt": "hi"}}
    result = normalise.compare_requests([CHAT], [other])
    assert not result.pairs and len(result.only_before) == 1 and len(result.only_after) == 1


def test_legacy_calls_are_recognised() -> None:
    assert normalise.is_legacy_call({"path": "/models"})
    assert normalise.is_legacy_call({"path": "/models/meta-llama/Llama-3/predictions"})
    assert not normalise.is_legacy_call({"path": "/v1/models"})
    assert not normalise.is_legacy_call({"path": "/collections/abc/query"})


def test_unparsable_bodies_compare_as_raw_text() -> None:
    raw = {"method": "POST", "path": "/v1/chat/completions", "body": None, "raw_body": "{oops"}
    assert normalise.compare_requests([raw], [dict(raw)]).equal
    assert not normalise.compare_requests([raw], [CHAT]).equal


def test_noise_fields_from_two_runs_are_masked() -> None:
    noise = normalise.request_noise([entry(user="run-1")], [entry(user="run-2")])
    assert noise == {"body.user"}
    assert normalise.compare_requests([entry(user="run-1")], [entry(user="run-3")], noise).equal
    assert not normalise.compare_requests([entry(user="run-1", max_tokens=5)], [entry(user="run-3")], noise).equal


def test_output_line_endings_and_trailing_blanks_do_not_count() -> None:
    assert normalise.compare_output("a\r\nb  \n\n", "a\nb") == []
    diff = normalise.compare_output("a\nb\n", "a\nc\n")
    assert "-b" in diff and "+c" in diff


def test_output_noise_lines_are_ignored_only_where_noisy() -> None:
    first, second = "time: 1\nanswer: 42\n", "time: 2\nanswer: 42\n"
    noise = normalise.output_noise(first, second)
    assert noise == {0}
    assert normalise.compare_output(first, "time: 3\nanswer: 42\n", noise) == []
    assert normalise.compare_output(first, "time: 3\nanswer: 41\n", noise) != []
