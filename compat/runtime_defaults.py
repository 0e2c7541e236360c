"""Defaults of the runtime layer, in a module that imports nothing.

The in-process shim is installed at interpreter start (``IONOS_MIGRATE_SHIM=1``),
so ``install()`` must not pay for pydantic or httpx until a legacy request
actually needs translating.
"""

DEFAULT_TIMEOUT = 120.0  # seconds for a whole upstream call (deadline); a long generation is slow, not broken
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2  # extra attempts after the first, where a retry is safe
DEFAULT_BACKOFF = 0.1  # seconds, doubled per attempt, when upstream gives no Retry-After
MAX_RETRY_AFTER = 10.0  # a longer Retry-After is handed to the caller instead of waited out
DEFAULT_MAX_BODY = 4 * 1024 * 1024  # bytes of a request body the proxy accepts (413 above)
DEFAULT_MAX_ANSWER = 16 * 1024 * 1024  # bytes of an upstream answer passed on (502 above); a base64 image is ~2 MB

SHIM_ENV = "IONOS_MIGRATE_SHIM"  # 1: install the in-process shim at interpreter start
SHIM_OFF_VALUES = ("", "0", "false", "no", "off")  # (ionos_migrate_shim.pth spells the same test out)
