"""The type stubs agree with the compiled module (mypy.stubtest)."""

import subprocess
import sys
from pathlib import Path

import pytest


def test_stubtest():
    pytest.importorskip("mypy")
    allowlist = Path(__file__).with_name("stubtest-allowlist.txt")
    cmd = [sys.executable, "-m", "mypy.stubtest", "perfscore", "--allowlist", str(allowlist)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).parent)
    assert out.returncode == 0, out.stdout + out.stderr
