"""What a score run records so that it can be reproduced: model, inputs, code version, time."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import gaoxin
from gaoxin.scoring.model import Model


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def code_version() -> str:
    """The package version, plus the git commit when running from a checkout."""
    version = gaoxin.__version__
    try:
        here = Path(__file__).resolve().parent
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "."],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
        )
        if commit.returncode == 0:
            version += f"+g{commit.stdout.strip()}" + (".dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return version


@dataclass
class RunInfo:
    model_id: str
    model_version: int
    model_name: str
    model_sha256: str
    model_path: str
    year: int
    inputs: list[dict] = field(default_factory=list)  # name, sha256, rows
    code_version: str = field(default_factory=code_version)
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    scored: int = 0
    notes: list[str] = field(default_factory=list)
    skipped_rows: list[dict] = field(
        default_factory=list
    )  # file, row, reason of rows left out (--skip-invalid)

    @classmethod
    def for_model(cls, model: Model, year: int, **kw) -> RunInfo:
        return cls(model.id, model.version, model.name.zh, model.sha256, model.path, year, **kw)

    def as_dict(self) -> dict:
        return asdict(self)
