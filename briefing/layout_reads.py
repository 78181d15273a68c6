"""What a layout can read of the data it is given, found in its syntax tree.

A listing page (home, feed) is given every briefing; whether a briefing's body can change
it depends on the layout, which editors may change. Rather than re-render such a page on
any edit, the build asks whether the layout (with the layouts it extends, includes or
imports) ever names an attribute that leads to the body. The answer errs one way only: an
access it cannot read statically (``item[name]``, ``attr(name)``) counts as reading all.
"""

from __future__ import annotations

import jinja2
from jinja2 import meta, nodes

_ATTRIBUTE_FIRST = frozenset({"attr", "selectattr", "rejectattr", "groupby"})  # filters named by their first argument


def names_any(environment: jinja2.Environment, template: str, names: frozenset[str]) -> bool:
    """Whether ``template``, or a layout it uses, reads an attribute, item, variable or string
    constant in ``names``, or reads one it cannot name statically."""
    return _names_any(environment, template, names, set())


def _names_any(environment: jinja2.Environment, template: str, names: frozenset[str], seen: set[str]) -> bool:
    if template in seen:
        return False
    seen.add(template)
    assert environment.loader is not None
    source, filename, _ = environment.loader.get_source(environment, template)
    tree = environment.parse(source, template, filename)  # named: a syntax error names the layout
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Const, nodes.Filter)):
        if _reads(node, names):
            return True
    for used in meta.find_referenced_templates(tree):
        if used is None or _names_any(environment, used, names, seen):
            return True  # a layout chosen at run time: assume the worst
    return False


def _reads(node: nodes.Node, names: frozenset[str]) -> bool:
    if isinstance(node, nodes.Getattr):
        return node.attr in names
    if isinstance(node, nodes.Getitem):
        if isinstance(node.arg, nodes.Slice):
            return False  # `briefings[:50]`: a slice of a list, not an attribute
        return not isinstance(node.arg, nodes.Const) or node.arg.value in names
    if isinstance(node, nodes.Name):
        return node.name in names
    if isinstance(node, nodes.Const):
        return isinstance(node.value, str) and node.value in names
    if isinstance(node, nodes.Filter):
        # These reach attributes by a name given as an argument: a constant name is checked
        # with the other constants; one computed at run time is not known here.
        named = [k.value for k in node.kwargs if k.key == "attribute"]
        if node.name in _ATTRIBUTE_FIRST and node.args:
            named.append(node.args[0])
        return any(not isinstance(arg, nodes.Const) for arg in named)
    return False
