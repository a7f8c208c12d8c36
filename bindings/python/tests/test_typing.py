"""The package type-checks with mypy --strict (when mypy is installed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import BINDING_ROOT


def test_mypy_strict() -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "contour"],
        cwd=BINDING_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
