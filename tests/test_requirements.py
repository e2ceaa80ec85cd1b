"""The dependency locks: every package pinned with the hashes pip must check (and every install checks them), each
direct dependency (the ``.in`` files) pinned at the version it names, and the development lock the runtime one plus
the tools."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(name):
    """``{package: (version, hashes)}`` of a lock file written by ``make lock``."""
    text = (ROOT / name).read_text().replace("\\\n", " ")
    packages = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pin = PIN.match(line)
        assert pin, f"{name}: not an exact pin: {line[:80]}"
        hashes = frozenset(re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
        assert hashes, f"{name}: {pin[1]} has no hash"
        assert normal(pin[1]) not in packages, f"{name}: {pin[1]} twice"
        packages[normal(pin[1])] = (pin[2], hashes)
    return packages


def direct(name):
    """``{package: version}`` of the pins an ``.in`` file names itself (not those of a file it includes)."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            pin = PIN.match(line)
            assert pin, f"{name}: a direct dependency is pinned exactly: {line}"
            pins[normal(pin[1])] = pin[2]
    return pins


@pytest.mark.parametrize(("source", "lock"), [("requirements.in", "requirements.txt")])
def test_each_direct_dependency_is_locked_at_its_version(source, lock):
    packages = locked(lock)
    for package, version in direct(source).items():
        assert packages.get(package, (None,))[0] == version, package


def test_the_development_lock_is_the_runtime_lock_and_the_tools():
    runtime, development = locked("requirements.txt"), locked("requirements-dev.txt")
    for package, (version, hashes) in runtime.items():
        assert development.get(package) == (version, hashes), f"{package} differs between the locks"
    tools = direct("requirements-dev.in")
    assert not set(tools) & set(direct("requirements.in")), "a package named in both .in files"
    for package, version in tools.items():
        assert development[package][0] == version, package
    assert "-r requirements.in" in (ROOT / "requirements-dev.in").read_text()


def test_every_install_requires_the_hashes():
    installs = [
        line for line in (ROOT / "Makefile").read_text().splitlines() if "pip install" in line and " -r " in line
    ]
    assert installs, "the Makefile installs from the locks"
    for line in installs:
        assert "--require-hashes" in line, line
