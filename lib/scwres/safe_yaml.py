"""YAML for params files with limits: PyYAML's SafeLoader, refusing what no params file needs.

Why: a params file is typed by hand and read by every stage. PyYAML's safe
loader still lets a few inputs through that crash or stall a reader later:
nesting a thousand levels deep (RecursionError in the composer), anchors and
aliases that expand to billions of values (a "billion laughs"), or refer to
themselves, integers of thousands of digits (Python refuses to convert them),
``.inf``/``.nan``, escapes such as ``"\\ud800"`` that make a lone surrogate or
a control character (which no page can then be saved with), and the same key
twice in one mapping, which YAML merges silently (the last one wins) -
including ``2024:`` beside ``'2024':``, which become one period once periods
are keyed by text. Each becomes a ``LimitError`` with the line, raised while
loading, so every caller sees one kind of error.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from .limits import bad_character, character_name, shown

MAX_DEPTH = 20  # the shipped params nest 4 levels
MAX_NODES = 20_000  # values once every alias is expanded (the shipped params hold about 60)
MAX_NUMBER_CHARS = 40  # an integer or decimal written with more characters than this is not a setting


class LimitError(yaml.MarkedYAMLError):
    """The YAML is well formed but breaks a limit; ``problem`` is a sentence, ``problem_mark`` the place."""


class LimitedLoader(yaml.SafeLoader):
    """SafeLoader with the limits above. Use ``load``/``compose`` below rather than this class directly."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise LimitError(problem=f"the file is nested more than {MAX_DEPTH} levels deep; a params file "
                                         "needs at most 4", problem_mark=self.peek_event().start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def compose_document(self) -> Any:
        node = super().compose_document()
        _check_expansion(node)
        return node

    def construct_scalar(self, node: Any) -> Any:
        value = super().construct_scalar(node)
        if isinstance(value, str):
            found = bad_character(value)
            if found:
                raise LimitError(problem=f"the value '{shown(value)}' holds {character_name(found[1])}, which "
                                         "cannot be printed; delete it", problem_mark=node.start_mark)
        return value

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[str, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = str(self.construct_object(key_node, deep=True))
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise LimitError(problem=f"the key '{shown(key)}' appears twice in the same mapping (first on line "
                                         f"{first}); keep one (write years in quotes, such as \"2024\")",
                                 problem_mark=key_node.start_mark)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> Any:
        if len(str(node.value)) > MAX_NUMBER_CHARS:
            raise LimitError(problem=f"the number '{shown(node.value)}' is far too large for a setting",
                             problem_mark=node.start_mark)
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # a value tagged !!int that is not one
            raise LimitError(problem=f"'{shown(node.value)}' is not a whole number",
                             problem_mark=node.start_mark) from None

    def construct_yaml_float(self, node: Any) -> Any:
        if len(str(node.value)) > MAX_NUMBER_CHARS:
            raise LimitError(problem=f"the number '{shown(node.value)}' is far too long for a setting",
                             problem_mark=node.start_mark)
        try:
            value = super().construct_yaml_float(node)
        except ValueError:  # a value tagged !!float that is not one
            raise LimitError(problem=f"'{shown(node.value)}' is not a number", problem_mark=node.start_mark) from None
        if not math.isfinite(value):
            raise LimitError(problem=f"'{shown(node.value)}' is not a finite number", problem_mark=node.start_mark)
        return value

    def construct_yaml_timestamp(self, node: Any) -> object:
        """An impossible date (2024-13-01) stays text, so the params check can name its key and line."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError, AttributeError):  # AttributeError: a !!timestamp tag on non-date text
            return self.construct_scalar(node)


LimitedLoader.add_constructor("tag:yaml.org,2002:int", LimitedLoader.construct_yaml_int)
LimitedLoader.add_constructor("tag:yaml.org,2002:float", LimitedLoader.construct_yaml_float)
LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", LimitedLoader.construct_yaml_timestamp)


def _check_expansion(root: Any) -> None:
    """Refuse a document whose aliases expand past MAX_NODES values or refer back to themselves.

    Sizes are memoised per node, so a document of nested aliases is measured
    in time proportional to its text, not to what it would expand to.
    """
    if root is None:
        return
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            size[key] = min(MAX_NODES + 1, 1 + sum(size[id(c)] for c in children))
            continue
        if key in size:
            continue
        if key in on_path:
            raise LimitError(problem="an alias refers to the anchor it is inside; write the values out",
                             problem_mark=node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise LimitError(problem="an alias refers to the anchor it is inside; write the values out",
                                 problem_mark=child.start_mark)
            if id(child) not in size:
                stack.append((child, False))
    if size[id(root)] > MAX_NODES:
        raise LimitError(problem=f"the anchors and aliases expand to more than {MAX_NODES:,} values; write the "
                                 "values out instead", problem_mark=root.start_mark)


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load(text: str) -> Any:
    """``yaml.safe_load`` with the limits; raises ``yaml.YAMLError`` (``LimitError`` for a limit)."""
    return yaml.load(text, Loader=LimitedLoader)  # noqa: S506 (LimitedLoader is a SafeLoader)


def compose(text: str) -> Any:
    """``yaml.compose`` with the same limits (for finding the line of each key)."""
    return yaml.compose(text, Loader=LimitedLoader)
