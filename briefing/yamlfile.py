"""YAML read safely, with the line of every key so messages can point at it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml is ~10x faster; the pure-Python loader gives the same results.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text: we parse them ourselves, with line numbers,
    instead of letting ``2024-13-45`` escape as a bare ValueError."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class YamlError(Exception):
    line: int  # 1-based, within the YAML text
    message: str


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: dict[Path_, int]  # (key, index, ...) -> 1-based line of that entry

    def line(self, *path: Any, default: int = 1) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, default)


def load_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlError` with the line on bad syntax."""
    loader = _Loader(text)
    node = None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, _describe(error)) from None
    except yaml.YAMLError as error:
        raise YamlError(1, str(error).splitlines()[0]) from None
    except Exception as error:  # noqa: BLE001 - PyYAML's safe constructors raise bare IndexError,
        # ValueError, OverflowError... on values such as `!!float` with nothing after it
        raise YamlError(_failing_line(node), f"broken YAML, a value cannot be read ({error}): "
                                              "write it as plain text, without a `!!` tag") from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return YamlDocument(data, lines)


def _failing_line(node: yaml.Node | None) -> int:
    """The line of the first top-level entry whose value cannot be constructed."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            loader = _Loader("")
            try:
                loader.construct_object(key_node, deep=True)
                loader.construct_object(value_node, deep=True)
            except Exception:  # noqa: BLE001 - the same errors as in load_yaml
                return key_node.start_mark.line + 1
            finally:
                loader.dispose()
    return node.start_mark.line + 1 if node is not None else 1


def _describe(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "syntax error"
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = ": a value containing ': ' must be in quotes"
    elif "could not find expected ':'" in problem:
        hint = ": each line must be `key: value`"
    elif "found character '\\t'" in problem:
        hint = ": indent with spaces, not tabs"
    return f"broken YAML, {problem}{hint}"


def _collect_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], depth: int = 0) -> None:
    # Front matter is small; stop walking where aliases could multiply the nodes.
    if depth > 20 or len(lines) > 10_000:
        return
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            lines[path + (key,)] = key_node.start_mark.line + 1
            _collect_lines(value_node, path + (key,), lines, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _collect_lines(item, path + (index,), lines, depth + 1)
