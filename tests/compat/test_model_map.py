from __future__ import annotations

import pytest

from ionos_migrate.compat.model_map import ModelEntry, ModelMap, ModelMapError, UnknownModel

LLAMA_ID = "b18b18de-92c3-466e-81a8-e5df91890091"
CONFLICTING_ID = "0b6c4a15-bb8d-4092-82b0-f357b77c59fd"


def test_bundled_map_carries_only_evidenced_ids_with_their_confidence():
    mm = ModelMap.bundled()
    entry = mm.resolve(LLAMA_ID)
    assert isinstance(entry, ModelEntry) and entry.is_bundled and entry.confidence == "medium-high"
    assert set(mm.entries) == {LLAMA_ID, "6cbc28c9-217d-421c-85fb-754d79c61423"}


def test_conflicting_id_is_unknown_with_a_hint():
    found = ModelMap.bundled().resolve(CONFLICTING_ID)
    assert isinstance(found, UnknownModel) and "conflicting" in found.message


def test_later_sources_win(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text(f'[models]\n"{CONFLICTING_ID}" = "meta-llama/Meta-Llama-3.1-8B-Instruct"\n'
                    f'"{LLAMA_ID}" = {{ name = "from-file", kind = "chat" }}\n')
    mm = ModelMap.load(project_table={LLAMA_ID: "from-pyproject", "x-id": "other"}, files=(path,))
    assert mm.resolve(LLAMA_ID).name == "from-file" and mm.resolve(LLAMA_ID).source == str(path)
    assert mm.resolve("x-id").source.startswith("pyproject.toml")
    assert mm.resolve(CONFLICTING_ID).name == "meta-llama/Meta-Llama-3.1-8B-Instruct"


def test_uuid_lookup_ignores_case():
    assert ModelMap.bundled().resolve(LLAMA_ID.upper()).name == "meta-llama/Llama-3.3-70B-Instruct"


def test_names_in_the_path_are_taken_as_they_are():
    entry = ModelMap.bundled().resolve("mistralai/Mistral-7B-Instruct-v0.3")
    assert entry.name == "mistralai/Mistral-7B-Instruct-v0.3" and entry.source == "path" and entry.kind == "chat"
    assert ModelMap.bundled().resolve("black-forest-labs/FLUX.1-dev").kind == "image"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[models]\nx = 3\n", "expected a model name or a table"),
        ('[models]\nx = { kind = "chat" }\n', "needs name"),
        ('[models]\nx = { name = "m", kind = "audio" }\n', "kind must be one of"),
        ('[models]\nx = ""\n', "empty model name"),
        ("[other]\n", "no [models] table"),
        ("[models\n", "not valid TOML"),
    ],
)
def test_bad_map_files_say_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "map.toml"
    path.write_text(text)
    with pytest.raises(ModelMapError, match=message.replace("[", r"\[")):
        ModelMap.load(files=(path,))


def test_missing_map_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelMapError, match="not found"):
        ModelMap.load(files=(tmp_path / "nope.toml",))


def test_table_for_generated_code_and_reverse_lookup():
    mm = ModelMap.load(project_table={"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa": "meta-llama/Llama-3.3-70B-Instruct"})
    assert mm.as_table()[LLAMA_ID] == "meta-llama/Llama-3.3-70B-Instruct"
    # a user's own entry wins the reverse lookup over the bundled one
    assert mm.legacy_id_for("meta-llama/Llama-3.3-70B-Instruct") == "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    assert mm.legacy_id_for("nobody/none") is None


def test_a_folder_given_as_model_map_is_a_clear_error(tmp_path):
    with pytest.raises(ModelMapError, match="cannot read the model map"):
        ModelMap.load(files=(tmp_path,))
