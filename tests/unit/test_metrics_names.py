"""``domain.metrics`` names its exports three times: the imports mypy reads (under
``TYPE_CHECKING``), ``_WHERE`` (which submodule loads a name on first use) and ``__all__``.
A name added to one list and not the others would type-check yet fail at run time, or load
from the wrong submodule: the three must agree, and every name must resolve."""

from __future__ import annotations

import ast
import importlib
import inspect

import csm_desktop.domain.metrics as metrics


def type_checking_imports() -> dict[str, str]:
    """Name -> submodule, as the ``if TYPE_CHECKING:`` block imports them."""
    tree = ast.parse(inspect.getsource(metrics))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )  # fmt: skip
    names: dict[str, str] = {}
    for statement in block.body:
        assert isinstance(statement, ast.ImportFrom) and statement.module
        for alias in statement.names:
            names[alias.asname or alias.name] = statement.module.rsplit(".", 1)[-1]
    return names


def test_the_three_name_lists_agree_and_every_name_loads_from_its_submodule() -> None:
    typed = type_checking_imports()
    assert typed == metrics._WHERE
    assert sorted(metrics.__all__) == sorted(typed)
    assert len(set(metrics.__all__)) == len(metrics.__all__)
    for name, submodule in typed.items():
        module = importlib.import_module(f"csm_desktop.domain.metrics.{submodule}")
        assert getattr(metrics, name) is getattr(module, name), name
