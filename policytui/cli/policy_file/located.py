"""A policy file read with the line of every value, so every problem can name its line.

YAML through PyYAML's ``compose`` (the node tree keeps its marks); JSON through a small
reader of its own over the standard library's string and number scanners (``json``
keeps no positions), after ``json.loads`` has vouched that the text is JSON and, if it is
not, said where. A key given twice is a problem here (both parsers would silently keep
the last one, and a second ``uuid:`` in one policy is exactly the mistake to catch).
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from policytui.cli.policy_file.model import Problem


@dataclass
class Located:
    """A value of the file and its line (1-based). A mapping's value is a dict of str to
    Located, with the line of each key in ``key_lines``; a list's, a list of Located."""

    value: Any
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    #: A scalar that is not text, as the file spells it (``00000000…`` read as 0), so a
    #: problem can quote what the user wrote.
    written: str | None = None

    def plain(self) -> Any:
        """The value without positions (for a scalar, itself)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


class FileError(Exception):
    """The file cannot be read as YAML or JSON at all: one problem, with its line."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def looks_like_json(text: str, name: str) -> bool:
    if name.endswith(".json"):
        return True
    if name.endswith((".yaml", ".yml")):
        return False
    return text.lstrip()[:1] in ("{", "[")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a big tree is built: it holds no cycles (freed
    by reference counts), and the collector walking it again and again took four fifths
    of the time of reading a 10 000-policy file."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load(text: str, name: str = "") -> tuple[Located | None, list[Problem]]:
    """The file's tree and the problems met reading it (duplicate keys, odd keys).

    Raises :class:`FileError` when the text is not YAML or JSON at all.
    """
    with gc_paused():
        if looks_like_json(text, name):
            return _load_json(text)
        return _load_yaml(text)


# -- YAML ---------------------------------------------------------------------------------


def _load_yaml(text: str) -> tuple[Located | None, list[Problem]]:
    import yaml

    # libyaml's parser where PyYAML was built with it: five times faster on a big file.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = exc.problem or exc.context or "not valid YAML"
        if exc.problem and exc.context and exc.context_mark is not None:
            # "did not find expected ',' or ']'" reads better with where the list began.
            what += f" ({exc.context} on line {exc.context_mark.line + 1})"
        raise FileError(Problem(line, f"not valid YAML: {what}")) from None
    except yaml.YAMLError as exc:
        raise FileError(Problem(0, f"not valid YAML: {exc}")) from None
    if node is None:
        return None, []
    problems: list[Problem] = []
    constructor = yaml.constructor.SafeConstructor()
    return _from_node(node, constructor, problems, yaml), problems


def _from_node(node: Any, constructor: Any, problems: list[Problem], yaml: Any) -> Located:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        values: dict[str, Located] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = _scalar(key_node, constructor, problems)
            if not isinstance(key, str):
                problems.append(Problem(key_line, f"{key!r} is not a name: keys are words"))
                continue
            if key in values:
                problems.append(
                    Problem(key_line, f"{key!r} is given twice (also on line {key_lines[key]})")
                )
                continue
            key_lines[key] = key_line
            values[key] = _from_node(value_node, constructor, problems, yaml)
        return Located(values, line, key_lines)
    if isinstance(node, yaml.SequenceNode):
        return Located([_from_node(n, constructor, problems, yaml) for n in node.value], line)
    value = _scalar(node, constructor, problems)
    return Located(value, line, written=None if isinstance(value, str) else node.value)


_STR = "tag:yaml.org,2002:str"


def _scalar(node: Any, constructor: Any, problems: list[Problem]) -> Any:
    if node.tag == _STR:
        return node.value  # most scalars: keys, names, uuids (a third of a big file's time)
    try:
        return constructor.construct_object(node, deep=True)
    except Exception as exc:  # a bad timestamp, a tag it does not know, ...
        problems.append(Problem(node.start_mark.line + 1, f"cannot read this value: {exc}"))
        return None


# -- JSON ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_CONSTANTS = {"true": True, "false": False, "null": None}
_SPECIAL = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _load_json(text: str) -> tuple[Located | None, list[Problem]]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(Problem(exc.lineno, f"not valid JSON: {exc.msg}")) from None
    reader = _JsonReader(text)
    return reader.read(), reader.problems


class _JsonReader:
    """Reads text that ``json.loads`` accepted, keeping the line of each value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.problems: list[Problem] = []

    def line(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index)

    def read(self) -> Located:
        value, _ = self._value(self._skip(0))
        return value

    def _skip(self, index: int) -> int:
        if index < len(self.text) and self.text[index] in " \t\n\r":
            match = _SPACE.match(self.text, index)
            return match.end() if match else index
        return index

    def _value(self, index: int) -> tuple[Located, int]:
        text, line = self.text, self.line(index)
        char = text[index]
        if char == "{":
            return self._object(index + 1, line)
        if char == "[":
            return self._array(index + 1, line)
        if char == '"':
            value, end = scanstring(text, index + 1)
            return Located(value, line), end
        for word, constant in (*_CONSTANTS.items(), *_SPECIAL.items()):
            if text.startswith(word, index):
                return Located(constant, line), index + len(word)
        match = _NUMBER.match(text, index)
        assert match is not None, "json.loads accepted it"
        whole, fraction, exponent = match.groups()
        number: int | float = float(match.group(0)) if fraction or exponent else int(whole)
        return Located(number, line, written=match.group(0)), match.end()

    def _object(self, index: int, line: int) -> tuple[Located, int]:
        values: dict[str, Located] = {}
        key_lines: dict[str, int] = {}
        index = self._skip(index)
        if self.text[index] == "}":
            return Located(values, line), index + 1
        while True:
            key_line = self.line(index)
            key, index = scanstring(self.text, index + 1)
            index = self._skip(self._skip(index) + 1)  # past ':'
            value, index = self._value(index)
            if key in values:
                self.problems.append(
                    Problem(key_line, f"{key!r} is given twice (also on line {key_lines[key]})")
                )
            else:
                values[key] = value
                key_lines[key] = key_line
            index = self._skip(index)
            if self.text[index] == "}":
                return Located(values, line, key_lines), index + 1
            index = self._skip(index + 1)  # past ','

    def _array(self, index: int, line: int) -> tuple[Located, int]:
        items: list[Located] = []
        index = self._skip(index)
        if self.text[index] == "]":
            return Located(items, line), index + 1
        while True:
            value, index = self._value(index)
            items.append(value)
            index = self._skip(index)
            if self.text[index] == "]":
                return Located(items, line), index + 1
            index = self._skip(index + 1)
