"""The `gaoxin` command: the parser (``parser``), the pure commands (``commands``: no Django) and the
platform commands (``platform``: demo, import — they set Django up)."""

from gaoxin.cli.parser import main

__all__ = ["main"]
