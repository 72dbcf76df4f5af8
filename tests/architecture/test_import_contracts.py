"""The import contracts of ``pyproject.toml`` really fail when a layer is skipped.

``lint-imports`` runs on a copy of the package with two planted violations: a UI module
importing a store model, and a service importing Qt. Both contracts must report broken, each
naming the planted line; the real tree passing the same contracts is checked by .ci/run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("lint-imports")
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(command), "--no-cache"],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def plant(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_contracts_catch_a_ui_module_importing_the_store_and_qt_in_a_service(
    tmp_path: Path,
) -> None:
    shutil.copytree(
        ROOT / "csm_desktop",
        tmp_path / "csm_desktop",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plant(
        tmp_path / "csm_desktop" / "ui" / "models" / "book_model.py",
        "from csm_desktop.store.models import Account  # noqa",
    )
    plant(tmp_path / "csm_desktop" / "services" / "book.py", "import PySide6  # noqa")

    result = lint_imports(tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert (
        "UI, app and CLI reach storage, spreadsheets and reports only through services BROKEN"
        in output
    )
    assert "csm_desktop.ui.models.book_model -> csm_desktop.store.models" in output
    assert "No Qt below the UI BROKEN" in output
    assert "csm_desktop.services.book -> PySide6" in output
    assert "Layers point inward KEPT" in output  # the plants break exactly the two contracts
