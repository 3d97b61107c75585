"""Notebook 03b's autograd engine against PyTorch on random expressions (a property test).

The engine is the learner's code in the notebook: the code cells tagged ``engine`` are
executed in order, as the notebook runs them, into one namespace. Each of several hundred
random expressions, built from a few leaves with sub-expressions used more than once (the
reused node that plain recursion gets wrong), is computed by the engine and by PyTorch in
float64, and every leaf's gradient must agree.
"""

import json
import random
from pathlib import Path

import pytest
import torch

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03b_autograd_engine.ipynb"
EXPRESSIONS = 300
OPERATIONS = ("add", "sub", "mul", "square", "relu", "scale")


@pytest.fixture(scope="module")
def engine() -> dict:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {}
    for cell in cells:
        if "engine" in cell.get("metadata", {}).get("tags", []):
            exec("".join(cell["source"]), namespace)  # noqa: S102 - the notebook's own code
    return namespace


def random_program(rng: random.Random, leaves: int, steps: int) -> list[tuple]:
    """Operations on earlier results (leaves first); any result may be used again later."""
    program = []
    for step in range(steps):
        available = leaves + step
        operation = rng.choice(OPERATIONS)
        program.append((operation, rng.randrange(available), rng.randrange(available),
                        rng.choice([-2.0, 0.5, 3.0])))
    return program


def apply(operation: str, a, b, number: float, relu, constant):
    if operation == "add":
        return a + b
    if operation == "sub":
        return a - b
    if operation == "mul":
        return a * b
    if operation == "square":
        return a**2
    if operation == "relu":
        return relu(a)
    return a * number + constant(number)


def run(program: list[tuple], inputs: list, relu, constant) -> list:
    values = list(inputs)
    for operation, i, j, number in program:
        values.append(apply(operation, values[i], values[j], number, relu, constant))
    return values


def test_the_engine_gives_pytorchs_gradients_on_random_expressions_with_shared_parts(engine):
    value, relu = engine["Value"], engine["relu"]
    rng = random.Random(2024)
    for _ in range(EXPRESSIONS):
        leaves = rng.randint(1, 4)
        data = [rng.uniform(-2, 2) for _ in range(leaves)]
        program = random_program(rng, leaves, rng.randint(1, 12))
        engine_leaves = [value(x) for x in data]
        engine_values = run(program, engine_leaves, relu, lambda x: x)
        root = engine_values[-1] + engine_values[-1] * 0.5  # the last result, reused once more
        root.backward()
        torch_leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in data]
        torch_values = run(program, torch_leaves, torch.relu,
                           lambda x: torch.tensor(x, dtype=torch.float64))
        torch_root = torch_values[-1] + torch_values[-1] * 0.5
        expected = torch.autograd.grad(torch_root, torch_leaves, allow_unused=True)
        for leaf, grad in zip(engine_leaves, expected, strict=True):
            want = 0.0 if grad is None else grad.item()
            assert leaf.grad == pytest.approx(want, rel=1e-9, abs=1e-9), (program, data)
        assert root.data == pytest.approx(torch_root.item(), rel=1e-12, abs=1e-12)


def test_a_reused_node_needs_the_topological_order(engine):
    """The notebook's example: plain recursion doubles, backward() does not."""
    value = engine["Value"]
    a = value(3.0)
    c = (a + a) * (a + a)
    c.backward()
    assert a.grad == 24.0


def test_the_engine_frees_its_graph_and_keeps_only_what_is_asked(engine):
    value = engine["Value"]
    a = value(2.0)
    x = a * 3
    y = x * x
    x.retain_grad()
    y.backward()
    assert (a.grad, x.grad) == (36.0, 12.0)
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()
    z = a * a
    z.backward(retain_graph=True)
    z.backward()
    assert a.grad == 36.0 + 8.0
