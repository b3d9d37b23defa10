"""One safe way to read YAML (and JSON) text written by a user: bounded in size, depth and aliases.

``yaml.safe_load`` refuses Python objects but not a "billion laughs" text: 345 bytes of nested aliases
stand for 10⁹ nodes, which any code walking the result (a checker, ``json.dumps`` into a JSON column)
expands — 86 s and 2.7 GB in the ladder settings, a MemoryError at 5.9 GB in ``gaoxin qualify
--config``. 50,000 nested ``[`` make the composer recurse until Python's RecursionError.

``BoundedLoader`` (a ``yaml.SafeLoader``; mix ``Bounded`` into another loader to keep its own
constructors) counts the nodes the document stands for *with every alias expanded* and the nesting
depth while it composes, and refuses past ``MAX_NODES`` / ``MAX_DEPTH``; ``load`` refuses text over
``MAX_BYTES`` before parsing. A refusal is a ``YamlLimit`` — a ``yaml.YAMLError`` with a ``problem``
and a ``problem_mark``, so every caller's existing "YAML syntax error, line …" handling reports it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 1024 * 1024  # a model, policy, product or ladder configuration is a few KB
MAX_DEPTH = 64  # nesting of mappings and sequences
MAX_NODES = 200_000  # nodes after expanding aliases (a national model has a few thousand)


class YamlLimit(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark
        self.context_mark = None


class Bounded:
    """Mixin for a ``yaml`` loader: depth and alias-expanded node count checked while composing."""

    max_depth = MAX_DEPTH
    max_nodes = MAX_NODES

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not hasattr(self, "_bounded_sizes"):
            self._bounded_sizes: dict[int, int] = {}
            self._bounded_depth = 0
            self._bounded_nodes = 0
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            event = self.peek_event()  # type: ignore[attr-defined]
            node = self.anchors.get(event.anchor)  # type: ignore[attr-defined]
            if node is not None:
                self._grow(self._bounded_sizes.get(id(node), 1), event.start_mark)
            return super().compose_node(parent, index)  # type: ignore[misc]
        self._bounded_depth += 1
        if self._bounded_depth > self.max_depth:
            mark = self.peek_event().start_mark  # type: ignore[attr-defined]
            raise YamlLimit(f"nested more than {self.max_depth} levels deep (limit max_depth)", mark)
        before = self._bounded_nodes
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._bounded_depth -= 1
        self._grow(1, node.start_mark)
        self._bounded_sizes[id(node)] = self._bounded_nodes - before
        return node

    def _grow(self, n: int, mark: Any) -> None:
        self._bounded_nodes += n
        if self._bounded_nodes > self.max_nodes:
            raise YamlLimit(
                f"stands for more than {self.max_nodes:,} values once its aliases are expanded "
                "(limit max_nodes)",
                mark,
            )


class BoundedLoader(Bounded, yaml.SafeLoader):
    """``yaml.SafeLoader`` with the limits of ``Bounded``."""


def load(text: str | bytes, loader: type = BoundedLoader, *, max_bytes: int = MAX_BYTES) -> Any:
    """``yaml.safe_load`` with limits: text over ``max_bytes``, too deep or too many values once its
    aliases are expanded raises ``YamlLimit`` (a ``yaml.YAMLError``). ``loader`` must be a
    ``yaml.SafeLoader`` mixing in ``Bounded``."""
    if not (issubclass(loader, Bounded) and issubclass(loader, yaml.SafeLoader)):
        raise TypeError(f"{loader.__name__} is not a SafeLoader mixing in Bounded")
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > max_bytes:
        raise YamlLimit(f"is {size:,} bytes, more than {max_bytes:,} (limit max_bytes)")
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader (checked above)
    except RecursionError:  # a construct deeper than the composer's depth check sees
        raise YamlLimit(f"nested too deeply (limit max_depth {MAX_DEPTH})") from None
    except (ValueError, OverflowError) as exc:  # a scalar no type can hold: an int of 10,000 digits
        raise YamlLimit(f"a value cannot be read: {exc}") from None
