"""deploy/: the Dockerfile and the Kubernetes example (issue 14).

No container engine runs here, so the Dockerfile is read, and what it does is
done in a fresh venv: the same ``pip install`` (the proxy extra only), the
same entry command, the same HEALTHCHECK command. The manifests are parsed
and checked for what the probes and the Service need.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
import venv
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from ionos_migrate.cli.shim import serve

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
MANIFESTS = ROOT / "deploy" / "k8s.yaml"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(part, str) for part in value), arguments
    return value


def one(keyword: str) -> str:
    (value,) = [rest for key, rest in instructions() if key == keyword]
    return value


def entry_command() -> list[str]:
    return exec_form(one("ENTRYPOINT")) + exec_form(one("CMD"))


def healthcheck_command() -> list[str]:
    options, _, command = one("HEALTHCHECK").partition("CMD ")
    assert "--interval" in options and "--timeout" in options
    return exec_form(command)


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


# --- the Dockerfile, read -----------------------------------------------------------------------


def test_dockerfile_slim_base_non_root_proxy_extra_only() -> None:
    steps = instructions()
    assert re.fullmatch(r"python:3\.\d+-slim", one("FROM"))
    keys = [key for key, _ in steps]
    user = one("USER")
    assert user not in ("root", "0") and user.isdigit()  # numeric: runAsNonRoot can check it
    assert keys.index("USER") > max(i for i, key in enumerate(keys) if key == "RUN")  # nothing runs as root after
    installs = [rest for key, rest in steps if key == "RUN" and "pip install" in rest]
    assert len(installs) == 1
    assert re.findall(r"\.\[([^\]]*)\]", installs[0]) == ["proxy"]
    for key, rest in steps:
        if key == "COPY":
            *sources, _ = rest.split()
            assert all((ROOT / source).exists() for source in sources), rest


def test_dockerfile_entry_command_healthcheck_and_port_agree() -> None:
    command = entry_command()
    assert command[:3] == ["ionos-migrate", "shim", "serve"]
    port = option(command, "--port")
    assert one("EXPOSE") == port
    assert f"http://127.0.0.1:{port}/healthz" in " ".join(healthcheck_command())
    serve.make_context("serve", command[3:])  # every flag is one `shim serve` accepts


# --- the Dockerfile, done in a venv ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def image_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with what the image's RUN installs: the package with the proxy extra, nothing else."""
    target = tmp_path_factory.mktemp("image") / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    (install,) = [rest for key, rest in instructions() if key == "RUN" and "pip install" in rest]
    pip_args = shlex.split(install.split("&&")[0])[2:]  # pip install ".[proxy]" -> [".[proxy]"]
    subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    *pip_args], cwd=ROOT, check=True, capture_output=True, timeout=600)
    return target


def test_the_image_command_serves_and_its_healthcheck_passes(image_venv: Path, tmp_path: Path) -> None:
    bin_dir = image_venv / "bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IONOS_MIGRATE", "PROMETHEUS", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    not_test_deps = subprocess.run([str(bin_dir / "python"), "-c", "import pytest"], capture_output=True, env=env)
    assert not_test_deps.returncode != 0  # the proxy extra only

    port = str(_free_port())
    command = entry_command()
    command[command.index("--host") + 1] = "127.0.0.1"  # a test listens on loopback only
    command[command.index("--port") + 1] = port
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        _wait_healthy(process, port)
        health = [part.replace("127.0.0.1:8080", f"127.0.0.1:{port}") for part in healthcheck_command()]
        assert subprocess.run(health, env=env, timeout=30).returncode == 0
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=40)
    assert process.returncode == 0, stderr


def _wait_healthy(process: subprocess.Popen, port: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the image command did not start: {process.communicate()[1]}")
        time.sleep(0.2)


# --- the Kubernetes example ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> dict[str, Any]:
    documents = [doc for doc in yaml.safe_load_all(MANIFESTS.read_text()) if doc]
    return {doc["kind"]: doc for doc in documents}


def test_manifests_have_a_deployment_with_probes_and_a_service(manifests: dict[str, Any]) -> None:
    assert set(manifests) == {"Deployment", "Service"}
    deployment, service = manifests["Deployment"], manifests["Service"]
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    (container,) = pod["spec"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": int(option(entry_command(), "--port"))}

    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = container[probe]["httpGet"]
        assert get["path"] == path and get["port"] in ports
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] in ports

    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert str(pod["spec"]["securityContext"]["runAsUser"]) == one("USER")
    serve.make_context("serve", exec_form(one("ENTRYPOINT"))[3:] + container["args"])
    pause = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    graceful = float(option(container["args"], "--graceful-timeout"))
    assert pod["spec"]["terminationGracePeriodSeconds"] > pause + graceful  # in-flight requests can finish
