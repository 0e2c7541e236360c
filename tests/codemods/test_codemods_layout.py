"""Rewritten code laid out like its neighbours (issue 13): calls, dicts and nested bodies split to
the line length one element a line, markers wrapped, new imports in their group.

Each test is a before/after pair through ``transform`` (and a second run that changes nothing).
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from click.testing import CliRunner

from ionos_migrate.cli import main
from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.codemods.edits import ModuleEdits
from ionos_migrate.codemods.layout import marker_lines, marker_texts
from ionos_migrate.compat.model_map import ModelMap
from ionos_migrate.config import ConfigError, load_project_config

URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"
UNKNOWN = "https://inference.de-txl.ionos.com/models/11111111-2222-3333-4444-555555555555/predictions"
NEW = "https://openai.inference.de-txl.ionos.com/v1/chat/completions"
HTTP = MigrationContext(ModelMap.bundled())
OPENAI = MigrationContext(ModelMap.bundled(), target="openai")


def check_transformed(before: str, after: str, context: MigrationContext = HTTP) -> None:
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    result = transform(before, path="m.py", context=context)
    assert result.code == after
    assert transform(result.code, path="m.py", context=context).code == result.code, "not idempotent"


def test_a_call_is_split_one_argument_a_line_and_keeps_its_comment_on_the_first_line():
    check_transformed(
        f"""\
        import requests


        def ask(prompt):
            r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}}, timeout=30)  # the call
            return r.json()["properties"]["output"]
        """,
        f"""\
        import requests


        def ask(prompt):
            r = requests.post(  # the call
                "{NEW}",
                json={{
                    "model": "meta-llama/Llama-3.3-70B-Instruct",
                    "messages": [{{"role": "user", "content": prompt}}],
                }},
                timeout=30,
            )
            return r.json()["choices"][0]["message"]["content"]
        """,
    )


def test_a_dict_is_split_one_key_a_line_with_a_trailing_comma():
    check_transformed(
        f"""\
        import requests

        URL = "{URL}"


        def ask(prompt, n):
            body = {{"properties": {{"input": prompt, "options": {{"max_length": n, "temperature": "0.2"}}}}}}
            r = requests.post(URL, json=body)
            return r.json()["properties"]["output"]
        """,
        f"""\
        import requests

        URL = "{URL}"


        def ask(prompt, n):
            body = {{
                "model": "meta-llama/Llama-3.3-70B-Instruct",
                "messages": [{{"role": "user", "content": prompt}}],
                "max_tokens": int(n),
                "temperature": 0.2,
            }}
            r = requests.post(
                "{NEW}",
                json=body,
            )
            return r.json()["choices"][0]["message"]["content"]
        """,
    )


def test_a_nested_body_gets_the_indentation_of_its_block_and_lines_left_alone_stay():
    long_headers = '{"Authorization": "Bearer " + os.environ["IONOS_API_TOKEN"], "X-Request-Source": "bot"}'
    check_transformed(
        f"""\
        import os

        import requests


        class Bot:
            def ask(self, prompt):
                with requests.Session() as session:
                    if prompt:
                        r = session.post(
                            "{URL}",
                            json={{"properties": {{"input": prompt, "options": {{"max_length": "20"}}}}}},  # the body
                            headers={long_headers},
                        )
                        return r.json()["properties"]["output"]
        """,
        f"""\
        import os

        import requests


        class Bot:
            def ask(self, prompt):
                with requests.Session() as session:
                    if prompt:
                        r = session.post(
                            "{NEW}",
                            json={{  # the body
                                "model": "meta-llama/Llama-3.3-70B-Instruct",
                                "messages": [{{"role": "user", "content": prompt}}],
                                "max_tokens": 20,
                            }},
                            headers={long_headers},
                        )
                        return r.json()["choices"][0]["message"]["content"]
        """,
    )


def test_a_split_uses_the_file_s_own_indentation_and_newlines():
    source = (
        "import requests\r\n\r\n\r\ndef ask(prompt):\r\n\tif prompt:\r\n"
        f'\t\tr = requests.post("{URL}", json={{"properties": {{"input": prompt}}}})\r\n'
        '\t\treturn r.json()["properties"]["output"]\r\n'
    )
    after = (
        "import requests\r\n\r\n\r\ndef ask(prompt):\r\n\tif prompt:\r\n"
        "\t\tr = requests.post(\r\n"
        f'\t\t\t"{NEW}",\r\n'
        "\t\t\tjson={\r\n"
        '\t\t\t\t"model": "meta-llama/Llama-3.3-70B-Instruct",\r\n'
        '\t\t\t\t"messages": [{"role": "user", "content": prompt}],\r\n'
        "\t\t\t},\r\n"
        "\t\t)\r\n"
        '\t\treturn r.json()["choices"][0]["message"]["content"]\r\n'
    )
    result = transform(source, path="m.py", context=HTTP)
    assert result.code == after
    assert transform(after, path="m.py", context=HTTP).code == after


def test_a_shorter_line_length_splits_the_inner_brackets_too():
    narrow = MigrationContext(ModelMap.bundled(), line_length=60)
    check_transformed(
        f"""\
        import requests


        def ask(prompt):
            r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}})
            return r.json()["properties"]["output"]
        """,
        f"""\
        import requests


        def ask(prompt):
            r = requests.post(
                "{NEW}",
                json={{
                    "model": "meta-llama/Llama-3.3-70B-Instruct",
                    "messages": [
                        {{"role": "user", "content": prompt}}
                    ],
                }},
            )
            return r.json()["choices"][0]["message"]["content"]
        """,
        narrow,
    )


def test_a_longer_line_length_leaves_a_line_that_fits_it_whole():
    wide = MigrationContext(ModelMap.bundled(), line_length=200)
    source = f'import requests\n\n\ndef ask(prompt):\n    r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}})\n'
    result = transform(source, path="m.py", context=wide)
    assert f'    r = requests.post("{NEW}", json={{"model": ' in result.code


def test_the_openai_client_and_call_are_split_and_the_import_starts_its_own_group():
    check_transformed(
        f"""\
        import os

        import requests

        URL = "{URL}"


        def ask(prompt):
            r = requests.post(URL, json={{"properties": {{"input": prompt}}}}, headers={{"Authorization": "Bearer " + os.environ["T"]}})
            return r.json()["properties"]["output"]
        """,
        """\
        import os

        from openai import OpenAI

        URL = "https://inference.de-txl.ionos.com/models/b18b18de-92c3-466e-81a8-e5df91890091/predictions"


        def ask(prompt):
            ionos_client = OpenAI(
                base_url="https://openai.inference.de-txl.ionos.com/v1",
                api_key=os.environ["T"],
                max_retries=0,
            )
            r = ionos_client.chat.completions.create(
                model="meta-llama/Llama-3.3-70B-Instruct",
                messages=[{"role": "user", "content": prompt}],
            )
            return r.choices[0].message.content
        """,
        OPENAI,
    )


# --- markers -------------------------------------------------------------------------


MANUAL = f"""\
import requests


class Bot:
    def ask(self, prompt):
        if prompt:
            r = requests.post("{UNKNOWN}", json={{"properties": {{"input": prompt}}}})
            return r.json()["properties"]["output"]
"""
WRAPPED = """\
            # ionos-migrate: unknown model id 11111111-2222-3333-4444-555555555555; add
            #   it to [tool.ionos-migrate.models]
"""


def test_a_long_marker_is_wrapped_to_the_line_length_at_the_statement_s_indentation():
    at = MANUAL.index("            r = ")
    check_transformed(MANUAL, MANUAL[:at] + WRAPPED + MANUAL[at:])


def test_a_marker_of_an_older_run_on_one_line_is_recognised():
    at = MANUAL.index("            r = ")
    old = "            # ionos-migrate: unknown model id 11111111-2222-3333-4444-555555555555; add it to [tool.ionos-migrate.models]\n"
    marked = MANUAL[:at] + old + MANUAL[at:]
    assert transform(marked, path="m.py", context=HTTP).code == marked


def test_a_wrapped_marker_goes_whole_when_the_site_is_migrated():
    at = MANUAL.index("            r = ")
    marked = MANUAL[:at] + WRAPPED + MANUAL[at:]
    model_map = ModelMap.bundled()
    model_map.update({"11111111-2222-3333-4444-555555555555": "my/model"}, source="model-map.toml")
    result = transform(marked, path="m.py", context=MigrationContext(model_map))
    assert result.findings[0].status == "migrated"
    assert "ionos-migrate" not in result.code and "#   " not in result.code


def test_a_wrapped_marker_above_the_first_statement_is_recognised_in_the_module_header():
    source = 'print("https://inference.de-txl.ionos.com/models")\n'
    first = transform(source, path="m.py", context=HTTP)
    assert first.code == (
        "# ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models: no request\n"
        "#   the tool can follow uses this here; see the ionos-migrate report\n" + source
    )
    assert cst.parse_module(first.code).header  # the marker is the module's header now
    assert transform(first.code, path="m.py", context=HTTP).code == first.code


def test_marker_lines_and_texts_round_trip():
    text = "a read of the legacy answer (metadata.inputTokens); " * 4 + "see https://example.invalid/" + "x" * 80
    lines = marker_lines(text, 60)
    assert lines[0].startswith("# ionos-migrate: ") and all(line.startswith("#   ") for line in lines[1:])
    assert all(len(line) <= 60 for line in lines if " " in line.removeprefix("#   "))
    assert marker_texts(lines) == {" ".join(text.split())}
    assert marker_texts([f"# ionos-migrate: {text}"]) == {" ".join(text.split())}
    assert marker_texts(lines[:1] + [None] + lines[1:]) != {" ".join(text.split())}  # a blank line ends a marker


# --- imports ---------------------------------------------------------------------------


def with_imports(source: str, *names: str) -> str:
    edits = ModuleEdits(imports=list(names))
    return edits.apply(cst.parse_module(textwrap.dedent(source))).code


def test_a_third_party_import_joins_its_group_in_sorted_position():
    source = """\
        import json
        import os

        import httpx
        import requests
        from pydantic import BaseModel

        from . import settings


        x = 1
        """
    assert with_imports(source, "from openai import OpenAI") == textwrap.dedent("""\
        import json
        import os

        import httpx
        import requests
        from openai import OpenAI
        from pydantic import BaseModel

        from . import settings


        x = 1
        """)


def test_an_import_goes_at_the_end_of_a_group_that_is_not_sorted():
    source = "import os\n\nimport requests\nimport httpx\n\nx = 1\n"
    assert with_imports(source, "from openai import OpenAI") == (
        "import os\n\nimport requests\nimport httpx\nfrom openai import OpenAI\n\nx = 1\n"
    )


def test_a_kind_the_file_has_no_group_for_starts_one_in_its_place():
    source = '"""Doc."""\nimport os\n\nfrom .settings import URL\n\n\ndef f():\n    pass\n'
    assert with_imports(source, "from openai import OpenAI", "base64") == (
        '"""Doc."""\nimport base64\nimport os\n\nfrom openai import OpenAI\n\nfrom .settings import URL\n\n\ndef f():\n    pass\n'
    )


def test_a_standard_library_import_starts_the_block_before_third_party_ones():
    source = "# a comment\nimport requests\n\nx = 1\n"
    assert with_imports(source, "base64") == "# a comment\nimport base64\n\nimport requests\n\nx = 1\n"


def test_a_module_without_imports_gets_them_after_its_docstring():
    assert with_imports('"""Doc."""\nx = 1\n', "from openai import OpenAI") == (
        '"""Doc."""\n\nfrom openai import OpenAI\nx = 1\n'
    )


# --- the project's line length -----------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("", 88),
        ("[tool.black]\nline-length = 79\n", 79),
        ("[tool.ruff]\nline-length = 120\n", 120),
        ("[tool.black]\nline-length = 79\n[tool.ruff]\nline-length = 100\n", 100),
    ],
)
def test_the_line_length_comes_from_ruff_else_black_else_88(tmp_path, table, expected):
    (tmp_path / "pyproject.toml").write_text(table, "utf-8")
    assert load_project_config([tmp_path]).line_length == expected


def test_a_line_length_that_is_not_a_number_is_a_clear_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = "wide"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"\[tool.ruff\] line-length must be a positive whole number"):
        load_project_config([tmp_path])


def test_apply_lays_out_to_the_project_s_line_length(tmp_path):
    site = f'import requests\n\n\ndef ask(prompt):\n    r = requests.post("{URL}", json={{"properties": {{"input": prompt}}}})\n'
    (tmp_path / "app.py").write_text(site, "utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 200\n", "utf-8")
    args = ["apply", str(tmp_path), "--no-progress", "--jobs", "1", "--allow-dirty"]
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0
    assert f'    r = requests.post("{NEW}", json={{"model": ' in (tmp_path / "app.py").read_text("utf-8")
    (tmp_path / "other.py").write_text(site, "utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 88\n", "utf-8")
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0
    assert f'    r = requests.post(\n        "{NEW}",\n' in (tmp_path / "other.py").read_text("utf-8")
