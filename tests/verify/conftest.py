# The plugin's fixtures, as users get them through the pytest11 entry point
# (imported here so these tests do not depend on the entry point being installed).
from ionos_migrate.compat.pytest_plugin import ionos_emulator, ionos_emulator_app  # noqa: F401
