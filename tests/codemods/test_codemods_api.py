"""The engine-facing functions: transform's contract and the constants pass."""

from __future__ import annotations

import libcst as cst
import pytest

from ionos_migrate.codemods import MigrationContext, collect_constants, transform
from ionos_migrate.compat.model_map import ModelMap

CONTEXT = MigrationContext(ModelMap.bundled())
UUID = "b18b18de-92c3-466e-81a8-e5df91890091"


def test_unparsable_source_raises_parser_error():
    with pytest.raises(cst.ParserSyntaxError):
        transform("def broken(:\n", path="x.py", context=CONTEXT)


def test_file_without_markers_is_returned_as_is():
    source = "import requests\nrequests.post('https://example.com/predict', json={})\n"
    result = transform(source, path="x.py", context=CONTEXT)
    assert result.code == source and result.findings == [] and not result.changed


def test_literal_requests_post_is_migrated_with_position():
    source = (
        "import requests\n"
        f"r = requests.post('https://inference.de-txl.ionos.com/models/{UUID}/predictions',\n"
        "                  json={'properties': {'input': 'hi', 'options': {'max_length': '10'}}})\n"
        "print(r.json()['properties']['output'])\n"
    )
    result = transform(source, path="x.py", context=CONTEXT)
    assert result.changed
    (finding,) = result.findings
    assert (finding.line, finding.column, finding.status) == (2, 5, "migrated")
    assert "bundled map" in finding.message
    assert "'https://openai.inference.de-txl.ionos.com/v1/chat/completions'" in result.code
    assert "print(r.json()['choices'][0]['message']['content'])" in result.code
    assert '"max_tokens": 10' in result.code


def test_collect_constants_follows_concatenation_fstrings_and_format():
    source = (
        "BASE = 'https://inference.de-txl.ionos.com'\n"
        "MODEL: str = 'abc'\n"
        "URL = f'{BASE}/models/{MODEL}/predictions'\n"
        "LIST = BASE + '/models'\n"
        "FMT = '{}/x/{m}'.format(BASE, m=MODEL)\n"
        "PCT = '%s/y' % BASE\n"
        "NOT_A_STRING = 3\n"
        "DYNAMIC = os.getenv('X', 'd')\n"
        "def f():\n    LOCAL = 'no'\n"
    )
    constants = collect_constants(source)
    assert constants == {
        "BASE": "https://inference.de-txl.ionos.com",
        "MODEL": "abc",
        "URL": "https://inference.de-txl.ionos.com/models/abc/predictions",
        "LIST": "https://inference.de-txl.ionos.com/models",
        "FMT": "https://inference.de-txl.ionos.com/x/abc",
        "PCT": "https://inference.de-txl.ionos.com/y",
    }


def test_collect_constants_of_broken_file_is_empty():
    assert collect_constants("x = (\n") == {}


def test_reassigned_constant_to_unknown_value_is_dropped():
    assert collect_constants("A = 'x'\nA = f()\n") == {}


def test_collect_constants_second_pass_follows_imports_across_files():
    from ionos_migrate.codemods import ProjectIndex

    first = ProjectIndex({"app.config": collect_constants("BASE = 'https://inference.de-txl.ionos.com'\n")})
    source = "from .config import BASE\nfrom app.config import BASE as B2\nURL = BASE + '/models/x/predictions'\nU2 = B2\n"
    assert collect_constants(source) == {}
    assert collect_constants(source, project=first, module="app.settings") == {
        "URL": "https://inference.de-txl.ionos.com/models/x/predictions",
        "U2": "https://inference.de-txl.ionos.com",
    }


def test_notebook_cell_sees_constants_of_earlier_cells():
    first_cell = f'URL = "https://inference.de-txl.ionos.com/models/{UUID}/predictions"\n'
    cell = 'r = requests.post(URL, json={"properties": {"input": "hi"}})\nprint(r.json()["properties"]["output"])\n'
    alone = transform(cell, path="nb.ipynb", context=CONTEXT)  # the URL unknown: the legacy body is still said
    assert {f.status for f in alone.findings} == {"manual"}
    result = transform(cell, path="nb.ipynb", context=CONTEXT, earlier_constants=collect_constants(first_cell))
    assert [f.status for f in result.findings] == ["migrated"]
    assert '"https://openai.inference.de-txl.ionos.com/v1/chat/completions"' in result.code


def test_collect_constants_survives_expressions_nested_too_deep():
    deep_for_the_parser = "X = " + " + ".join(['"a"'] * 5000) + "\n"
    assert collect_constants(deep_for_the_parser) == {}
    deep_for_the_walk = 'BASE = "https://h"\nX = ' + " + ".join(['"a"'] * 2000) + "\n"  # parses, but deeper than the walk can recurse
    assert collect_constants(deep_for_the_walk) == {"BASE": "https://h"}


def test_collect_constants_format_with_attribute_or_index_lookups_is_no_constant():
    source = 'A = "{0.foo}".format("x")\nB = "{0[k]}".format("x")\nC = "{0.upper}".format("x")\nD = "{:{0.w}}".format("x")\nE = "{}/v1".format("h")\n'
    assert collect_constants(source) == {"E": "h/v1"}
