"""The import contracts in ``pyproject.toml`` (``lint-imports``, run by ``make lint``): the tree keeps them, and a
copy of the tree with a planted cycle, an import against the order, or a package nobody placed breaks them."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["regencies", "mou", "masterplans", "smartcity"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's packages and contracts, to plant faults in."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def lint_imports(folder):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def broken_contracts(result):
    """The contracts that a run reports broken, by the start of their names."""
    names = [match[1] for match in re.finditer(r"^(.+?) BROKEN( \(.*\))?$", result.stdout, re.MULTILINE)]
    return [name.split(":")[0].split(",")[0] for name in names]


def plant(folder, module, line):
    path = folder.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(path.read_text() + f"\n{line}  # planted\n")


def test_the_tree_keeps_every_contract(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_a_planted_cycle_inside_a_capability_breaks_the_check(tree):
    plant(tree, "smartcity.reports.jobs", "from smartcity.reports import tasks")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert broken_contracts(result) == ["No import cycles"]
    assert "No cycles are allowed in smartcity.reports" in result.stdout


def test_a_planted_cycle_inside_an_app_breaks_the_check(tree):
    plant(tree, "masterplans.choices", "from masterplans import models")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "No cycles are allowed in masterplans" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("regencies.models", "from mou import models", "Apps depend one way"),
        ("masterplans.models", "from smartcity import roles", "Apps depend one way"),
        ("smartcity.reports.figures", "from smartcity.dashboards import home", "The programme layer"),
        ("smartcity.dashboards.home", "from smartcity.demo import plans", "The programme layer"),
        ("smartcity.health", "from smartcity.reports import models", "The programme layer"),
        ("smartcity.dashboards.home", "from smartcity.reports import views", "No capability imports another's views"),
    ],
)
def test_an_import_against_the_order_breaks_the_check(tree, module, line, broken):
    plant(tree, module, line)
    result = lint_imports(tree)
    assert result.returncode == 1
    assert broken in broken_contracts(result)


def test_a_new_package_must_be_placed_in_the_order(tree):
    (tree / "smartcity" / "evaluations").mkdir()
    (tree / "smartcity" / "evaluations" / "__init__.py").write_text("")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "smartcity.evaluations" in result.stdout and "not listed as layers" in result.stdout
