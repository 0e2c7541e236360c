"""Properties of the emulator's answer function (no server)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from ionos_migrate.compat import emulator_content as content

bodies = st.fixed_dictionaries(
    {"model": st.text(min_size=1, max_size=20),
     "messages": st.lists(st.fixed_dictionaries({"role": st.sampled_from(["system", "user"]), "content": st.text(max_size=30)}),
                          min_size=1, max_size=3)},
    optional={"max_tokens": st.integers(1, 4096), "temperature": st.floats(0, 2), "top_p": st.floats(0, 1)},
)


@given(bodies, st.randoms())
def test_digest_ignores_key_order_integral_floats_and_stream(body: dict, rnd: random.Random) -> None:
    shuffled = dict(rnd.sample(list(body.items()), len(body)))
    if "max_tokens" in shuffled:
        shuffled["max_tokens"] = float(shuffled["max_tokens"])  # 300 written as 300.0
    shuffled["stream"] = True
    assert content.request_digest("chat", shuffled) == content.request_digest("chat", body)


@given(bodies, st.integers(1, 4096))
def test_digest_changes_with_any_field(body: dict, max_tokens: int) -> None:
    changed = {**body, "max_tokens": max_tokens}
    if body.get("max_tokens") != max_tokens:
        assert content.request_digest("chat", changed) != content.request_digest("chat", body)
    assert content.request_digest("completions", body) != content.request_digest("chat", body)


@given(st.text(min_size=64, max_size=64, alphabet="0123456789abcdef"), st.one_of(st.none(), st.integers(0, 100)))
def test_text_length_follows_max_tokens(digest: str, max_tokens: int | None) -> None:
    words, finish = content.generate_words(digest, max_tokens)
    limit = content.DEFAULT_MAX_TOKENS if max_tokens is None else max_tokens
    natural = content.natural_length(digest)
    assert len(words) == min(limit, natural)
    assert finish == ("length" if limit < natural else "stop")
    assert "".join(content.stream_pieces(content.answer_text(words))) == content.answer_text(words)


@given(st.text(max_size=50), st.integers(1, 64))
def test_embeddings_are_unit_length_and_base64_agrees(text: str, dimensions: int) -> None:
    import base64
    import struct

    vector = content.embedding_vector("m", text, dimensions)
    assert len(vector) == dimensions and abs(sum(x * x for x in vector) - 1) < 1e-4
    raw = base64.b64decode(content.embedding_base64(vector))
    assert list(struct.unpack(f"<{dimensions}f", raw)) == vector
