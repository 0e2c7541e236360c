"""No false positives: HTTP-heavy code that is not the legacy API stays untouched,
even with the cheap marker check switched off so every rule really looks at it."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

import ionos_migrate.codemods.core as core
from ionos_migrate.codemods import MigrationContext, transform
from ionos_migrate.compat.model_map import ModelMap

STDLIB = Path(sysconfig.get_paths()["stdlib"])
HTTP_HEAVY = ["urllib/request.py", "http/client.py", "xmlrpc/client.py", "json/__init__.py", "http/cookiejar.py"]


@pytest.fixture
def every_file_analysed(monkeypatch):
    monkeypatch.setattr(core, "may_hold_sites", lambda *args: True)


@pytest.mark.parametrize("target", ["http", "openai"])
@pytest.mark.parametrize("relative", HTTP_HEAVY)
def test_stdlib_http_code_is_untouched(relative, target, every_file_analysed):
    path = STDLIB / relative
    source = path.read_text("utf-8")
    result = transform(source, path=relative, context=MigrationContext(ModelMap.bundled(), target=target))
    assert result.code == source and result.findings == []


def test_lookalikes_are_untouched(every_file_analysed):
    source = '''\
import requests

SCHEMA = {"properties": {"output": {"type": "string"}}}


def replicate(prompt, token):
    r = requests.post("https://api.replicate.com/v1/models/meta/llama/predictions", json={"input": {"prompt": prompt}})
    return r.json()["output"]


def schema_output():
    return SCHEMA["properties"]["output"]


def predict(model, x):
    return model.predict(x)["properties"]


def local(prompt):
    return requests.post("http://localhost:8080/models/x/predictions", json={"properties": {"input": prompt}}).json()


def test_api(client):
    r = client.post("/api/predictions", json={"properties": {"input": "x"}}, headers={"Authorization": "Bearer t"})
    return r.json()["properties"]["output"]


def replicate_create(base, body):
    return requests.post(f"{base}/predictions", json=body).json()["output"]
'''
    result = transform(source, path="lookalike.py", context=MigrationContext(ModelMap.bundled()))
    assert result.code == source and result.findings == []
