"""Progress on a terminal, silence otherwise (a pipe, a log file, CI)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None):
        self.stream = stream  # None: quiet

    @classmethod
    def for_stream(cls, stream: TextIO = sys.stderr) -> Progress:
        return cls(stream if stream.isatty() else None)

    @contextmanager
    def step(self, label: str):
        """Show ``label …`` while a step runs, then its duration."""
        start = time.perf_counter()
        if self.stream:
            self.stream.write(f"{label} …")
            self.stream.flush()
        yield self
        if self.stream:
            self.stream.write(f"\r{label} ✓ {time.perf_counter() - start:.1f}s\n")
            self.stream.flush()

    def fraction(self, label: str):
        """A callback taking 0..1 that redraws a bar."""

        def update(done: float) -> None:
            if self.stream:
                width = 30
                filled = int(width * min(max(done, 0.0), 1.0))
                self.stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:4.0%}")
                if done >= 1.0:
                    self.stream.write("\n")
                self.stream.flush()

        return update
