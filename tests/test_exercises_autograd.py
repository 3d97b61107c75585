import math

import torch

from helpers import check_answer, exercise_ids


def test_every_exercise_of_notebooks_02_and_03_is_registered():
    ids = exercise_ids()
    assert {"02.1", "02.2", "02.3", "03.1", "03.2", "03.3"} <= set(ids)


def test_02_1_slope_of_the_cubic():
    assert check_answer("02.1", torch.tensor(10.0))
    assert "y itself" in check_answer("02.1", 4.0).message
    assert "-2*x term" in check_answer("02.1", 12.0).message
    assert check_answer("02.1", 11.0).message == "11, expected 10."


def test_02_2_gradients_accumulate_over_three_passes():
    assert check_answer("02.2", 9.0)
    verdict = check_answer("02.2", torch.tensor(3.0))
    assert not verdict
    assert "3 + 3 + 3" in verdict.message


def _slope_by_autograd(x0):
    x = torch.tensor(x0, requires_grad=True)
    (x * torch.sin(x)).backward()
    return x.grad.item()


def test_02_3_slope_function():
    assert check_answer("02.3", _slope_by_autograd)
    returns_y = check_answer("02.3", lambda x0: x0 * math.sin(x0))
    assert not returns_y
    assert "returns y = x*sin(x) itself" in returns_y.message
    assert not check_answer("02.3", lambda x0: math.cos(x0))
    assert "expected a function" in check_answer("02.3", 1.0).message


def test_03_1_gradients_of_the_intermediate_nodes():
    assert check_answer("03.1", (torch.tensor(2.0), torch.tensor(3.0)))
    assert "swapped" in check_answer("03.1", (3.0, 2.0)).message
    assert "retain_grad()" in check_answer("03.1", (None, None)).message
    assert "the leaves" in check_answer("03.1", (64.0, 33.0)).message
    assert "expected a pair" in check_answer("03.1", 2.0).message


def test_03_2_leaf_gradients_at_another_point():
    assert check_answer("03.2", [34.0, 114.0])
    assert "a = 2, b = 1" in check_answer("03.2", (64.0, 33.0)).message
    assert "one path only" in check_answer("03.2", (30.0, 114.0)).message
    assert check_answer("03.2", (34.0, 100.0)).message == "b.grad: 100, expected 114."


def test_03_3_vector_jacobian_product():
    assert check_answer("03.3", torch.tensor([2.0, 0.4, 0.06]))
    assert "weights of ones" in check_answer("03.3", torch.tensor([2.0, 4.0, 6.0])).message
    assert (
        "dtype torch.float64"
        in check_answer("03.3", torch.tensor([2.0, 0.4, 0.06], dtype=torch.float64)).message
    )
