"""Eligibility fixtures: the independent X12 validator (its own virtualenv), the X12 guide's example files,
the local CORE responder, and synthetic referrals."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from referral_intake.contract import Referral
from referral_intake.eligibility.demo import demo_referral
from referral_intake.eligibility.responder import Responder
from referral_intake.eligibility.transports import BREAKERS

# Bump when the pins change: the cached virtualenv is keyed by it.
VALIDATOR_PINS = ("linuxforhealth-x12==0.57.0", "pydantic>=1.10,<2")
BADX12_PIN = "badx12==0.2.2"
VENV_KEY = "lfh-x12-0.57.0-pyd1-badx12-0.2.2-v1"
VENV_ROOT = Path(os.environ.get("RI_X12_VENV_DIR", "/tmp")) / f"ri-x12-venv-{VENV_KEY}"

# Reads X12 interchanges (JSON list on stdin), prints one verdict per interchange (JSON list on stdout).
_RUNNER = r"""
import json, sys
from linuxforhealth.x12.io import X12ModelReader
out = []
for text in json.load(sys.stdin):
    try:
        with X12ModelReader(text) as reader:
            models = [json.loads(m.json(exclude_none=True)) for m in reader.models()]
        out.append({"ok": bool(models), "models": models, "error": None if models else "no transaction"})
    except Exception as exc:
        out.append({"ok": False, "models": [], "error": type(exc).__name__ + ": " + str(exc)[:2000]})
json.dump(out, sys.stdout)
"""


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        # A failed install is a failed test, not a skip: CI has PyPI access.
        pytest.fail(
            f"validator set-up failed: {' '.join(cmd[:4])}...\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )


@pytest.fixture(scope="session")
def x12_venv() -> Path:
    """A virtualenv with linuxforhealth-x12 (pydantic 1) and the badx12 wheel, built once and cached."""
    ready = VENV_ROOT / ".ready"
    VENV_ROOT.parent.mkdir(parents=True, exist_ok=True)
    with open(str(VENV_ROOT) + ".lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # parallel test runs build it once
        if not ready.exists():
            _run([sys.executable, "-m", "venv", "--clear", str(VENV_ROOT)])
            pip = [str(VENV_ROOT / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
            _run([*pip, "install", *VALIDATOR_PINS])
            _run([*pip, "download", "--no-deps", "-d", str(VENV_ROOT / "wheels"), BADX12_PIN])
            ready.write_text(VENV_KEY)
    return VENV_ROOT


@pytest.fixture(scope="session")
def validate_x12(x12_venv: Path) -> Callable[[list[str]], list[dict[str, Any]]]:
    """Parse interchanges with linuxforhealth-x12 in its own interpreter; one verdict per interchange."""

    def run(texts: list[str]) -> list[dict[str, Any]]:
        proc = subprocess.run(
            [str(x12_venv / "bin" / "python"), "-c", _RUNNER],
            input=json.dumps(texts), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        verdicts: list[dict[str, Any]] = json.loads(proc.stdout)
        assert len(verdicts) == len(texts)
        return verdicts

    return run


@pytest.fixture(scope="session")
def guide_files(x12_venv: Path) -> dict[str, str]:
    """The X12 guide's 270/271 examples (X279-*.edi) from the badx12 wheel, by short name."""
    wheels = sorted((x12_venv / "wheels").glob("badx12-*.whl"))
    assert wheels, "badx12 wheel missing from the validator cache"
    out: dict[str, str] = {}
    with zipfile.ZipFile(wheels[0]) as zf:
        for name in zf.namelist():
            if name.startswith("tests/files/edi/X279-") and name.endswith(".edi"):
                out[Path(name).stem.removeprefix("X279-")] = zf.read(name).decode()
    assert len(out) == 5, sorted(out)
    return out


@pytest.fixture(scope="module")
def responder() -> Iterator[Responder]:
    with Responder(slow_seconds=20.0) as r:
        yield r


@pytest.fixture(autouse=True)
def _fresh_breakers() -> None:
    BREAKERS._items.clear()  # each test starts with closed circuits


@pytest.fixture
def referral_factory() -> Callable[..., Referral]:
    return demo_referral
