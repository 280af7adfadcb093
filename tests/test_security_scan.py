"""bandit finds nothing in the project's code: each exclusion is a ``# nosec`` with its reason on the line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["quartier", "actors", "committees", "fonds", "isek", "reporting", "benchmarks"]


def test_bandit_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", *PACKAGES, "-x", "*/migrations/*", "-f", "custom",
         "--msg-template", "{relpath}:{line} {test_id} {severity} {msg}"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == ""
