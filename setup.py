"""Only here to ship the opt-in startup hook at the top of site-packages.

Everything else is declared in pyproject.toml. ``ionos_migrate_shim.pth``
must sit beside the packages, not inside one, for Python to run it at start;
it does nothing unless ``IONOS_MIGRATE_SHIM=1`` is set.
"""

import os

from setuptools import setup
from setuptools.command.build_py import build_py

HOOK = "ionos_migrate_shim.pth"


class BuildPyWithStartupHook(build_py):
    def run(self):
        super().run()
        self.copy_file(os.path.join("compat", HOOK), os.path.join(self.build_lib, HOOK))

    def get_outputs(self, include_bytecode=1):
        return super().get_outputs(include_bytecode) + [os.path.join(self.build_lib, HOOK)]


setup(cmdclass={"build_py": BuildPyWithStartupHook})
