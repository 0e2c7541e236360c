"""An all-repos push for the tests: what ``github_pull_request`` does, less the GitHub API.

It pushes the branch to origin and, where that push would open a pull
request, appends the title and body it would send (the last commit's subject
and body, read the way ``github_pull_request`` reads them) to a JSON-lines file.
"""

from __future__ import annotations

import json
import subprocess
from typing import NamedTuple

from all_repos import autofix_lib, git


class Settings(NamedTuple):
    record: str


def push(settings: Settings, branch_name: str) -> None:
    autofix_lib.run("git", "push", "origin", f"HEAD:{branch_name}", "--quiet")
    title = subprocess.check_output(("git", "log", "-1", "--format=%s")).decode().strip()
    body = subprocess.check_output(("git", "log", "-1", "--format=%b")).decode().strip()
    entry = {"remote": git.remote("."), "head": branch_name, "base": autofix_lib.target_branch(), "title": title,
             "body": body}
    with open(settings.record, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
