"""Every public function and class of helpers documents where it is introduced and is typed."""

import importlib
import inspect
import pkgutil
import re

import pytest

import helpers

MODULES = [
    importlib.import_module(m.name)
    for m in pkgutil.walk_packages(helpers.__path__, prefix="helpers.")
]


def public_objects():
    for module in MODULES:
        for name, obj in vars(module).items():
            defined_here = getattr(obj, "__module__", None) == module.__name__
            if defined_here and not name.startswith("_") and (
                inspect.isfunction(obj) or inspect.isclass(obj)
            ):
                yield f"{module.__name__}.{name}", obj


PUBLIC = dict(public_objects())


def test_the_scan_finds_the_helpers():
    assert "helpers.environment.setup" in PUBLIC
    assert "helpers.graph.draw_graph" in PUBLIC


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_docstring_names_the_notebook_that_introduces_it(name):
    obj = PUBLIC[name]
    if obj.__module__.startswith("helpers.exercises."):
        return  # an exercise checker is named by its id, "NN.k", which says the notebook
    doc = inspect.getdoc(obj) or ""
    module_doc = inspect.getdoc(inspect.getmodule(obj)) or ""
    assert doc, f"{name} has no docstring"
    assert re.search(r"notebooks? \d\d", doc + module_doc), f"{name}: which notebook?"


@pytest.mark.parametrize(
    "name", sorted(n for n, o in PUBLIC.items() if inspect.isfunction(o))
)
def test_functions_have_type_hints(name):
    signature = inspect.signature(PUBLIC[name])
    untyped = [
        p.name
        for p in signature.parameters.values()
        if p.annotation is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    assert not untyped, f"{name}: parameters without a type hint: {untyped}"
    assert signature.return_annotation is not inspect.Signature.empty, f"{name}: no return type"


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_module_stays_a_page_or_two(module):
    """CONTRIBUTING: about 300 lines at most; a module past 350 holds more than one concern."""
    lines = len(inspect.getsource(module).splitlines())
    assert lines <= 350, f"{module.__name__} has {lines} lines: split it by concern"
