"""A legacy call whose base URL comes from run time: keep reading it, translated.

``f"{API_URL}/{model_id}/predictions"`` with ``API_URL`` from an environment
variable or a config object: the migrated call reads the same value through a
generated helper, ``ionos_openai_base(API_URL) + "/chat/completions"``. The
helper maps the retired host (with or without ``/models``), or an empty value,
to the OpenAI-compatible base, and keeps any other value (an OpenAI-compatible
gateway, a test server). So the migrated program works whether the
deployment still sets the variable to the legacy value, sets the new one, or
sets nothing; the report names the variable and the files that still hold
the legacy value. No new dependency: the helper is written into the module.
"""

from __future__ import annotations

import libcst as cst
from ionos_migrate.compat import rules as mapping

from .body import code
from .shapes import GENERATED_BASE
from .core import RuleContext, SiteError
from .edits import SiteEdits
from .model_choice import portable
from .resolve import ENV_CALLS, Dyn, Scope, dotted_name, string_value
from .sites import HttpCall

HELPER = GENERATED_BASE
HELPER_CODE = f'''def {HELPER}(base):
    """The new API's base for a base URL of the retired IONOS API (from ionos-migrate).

    The retired host, or no value, becomes the OpenAI-compatible API; any
    other base is taken to be OpenAI-compatible already and kept.
    """
    if not base or "//{mapping.LEGACY_HOST}" in base:
        return "{mapping.OPENAI_BASE_URL}"
    return base.rstrip("/")
'''


def url_expression(ctx: RuleContext, site: SiteEdits, http: HttpCall, base: Dyn, endpoint: str) -> cst.BaseExpression:
    """``ionos_openai_base(<base>) + "<endpoint>"``, valid where the URL argument is written."""
    if not portable(ctx, base, http.scope):
        raise SiteError(f"the base URL ({code(base.node)}) is not visible where the request is made; "
                        f"send POST <new base>{endpoint} by hand")
    site.prelude[HELPER] = HELPER_CODE
    return cst.parse_expression(f'{HELPER}({code(base.node)}) + "{endpoint}"')


def describe(ctx: RuleContext, base: Dyn, scope: Scope, sdk: bool = False) -> str:
    """What the finding says about the base: the variable it reads, and where the deployment sets it."""
    variable = _variable(ctx, base)
    text = f"the base URL ({code(base.node)}) comes from run time"
    if variable:
        text = f"the base URL comes from {variable}"
        settings = ctx.context.project.deploy.get(variable, ())
        if settings:
            where = ", ".join(f"{s.path}:{s.line}" for s in settings)
            text += f" (set to the retired API in {where}: point it at {mapping.OPENAI_BASE_URL})"
    reader = "the openai client's base_url reads" if sdk else "the call reads"
    return (f"{text}; {reader} it through {HELPER}(), which sends a retired or empty base to "
            f"{mapping.OPENAI_BASE_URL} and keeps any other")


def _variable(ctx: RuleContext, base: Dyn) -> str | None:
    """The environment variable behind the base: ``os.getenv("X")`` here, or a project constant that reads it."""
    node = base.node
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in ("rstrip", "strip"):
        node = node.func.value
    if isinstance(node, cst.Call) and node.args and dotted_name(node.func) in ENV_CALLS:
        return string_value(node.args[0].value)
    if isinstance(node, cst.Name):
        found = ctx.index.lookup(node.value, ctx.index.scope_of(node))
        if found and found[0] == "import":
            module, name, level = found[2]  # type: ignore[misc]
            if name is not None:
                value = ctx.index.project_value(ctx.context.project.env_constants, module, name, level)
                return value[0] if isinstance(value, tuple) else None
        if found and found[0] == "value":
            return _variable(ctx, Dyn(found[2], found[1]))  # type: ignore[arg-type]
    return None
