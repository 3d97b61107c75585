"""Exercises of notebook 03b (the autograd engine): ids 03b.1 to 03b.3."""

import math

import torch

from helpers.checks import check_number
from helpers.exercises import exercise
from helpers.feedback import Feedback

_T = math.tanh(0.5)


def _engine_grad(answer: object) -> tuple[object, str]:
    """A learner's Value passed instead of its gradient: read its ``grad``, and say so."""
    is_value = hasattr(answer, "grad") and hasattr(answer, "data")
    if isinstance(answer, torch.Tensor) or not is_value:
        return answer, ""
    return answer.grad, " (read from the value's .grad)"


def _pair(answer: object) -> tuple[float, float] | Feedback:
    """Two numbers from a tuple, list, array or tensor, or the feedback that says what came."""
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().flatten().tolist()
    elif hasattr(answer, "tolist") and not isinstance(answer, str):
        answer = answer.tolist()
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return Feedback(False, f"expected a pair of two numbers, got {answer!r}.")
    numbers = []
    for item in answer:
        item, _ = _engine_grad(item)
        if isinstance(item, torch.Tensor) and item.numel() == 1:
            item = item.item()
        if isinstance(item, bool) or not isinstance(item, int | float):
            return Feedback(False, f"expected two numbers, got {type(item).__name__} in "
                                   f"{answer!r}.")
        numbers.append(float(item))
    return numbers[0], numbers[1]


def _matches(pair: tuple[float, float], expected: tuple[float, float]) -> bool:
    return all(math.isclose(got, want, abs_tol=1e-6) for got, want in zip(pair, expected,
                                                                              strict=True))


@exercise("03b.1")
def tanh_rule(answer: object) -> Feedback:
    """x.grad for y = 3 * tanh(x) at x = 0.5: 3 (1 - tanh² 0.5)."""
    if answer is None:
        return Feedback(False, "got None: answer with the number x.grad after y.backward().")
    answer, note = _engine_grad(answer)
    slips = {
        3 * _T: "that is 3 tanh(x): the derivative of tanh is 1 − tanh², not tanh itself.",
        3 * (1 - _T): "1 − tanh(x) misses the square: the local derivative is 1 − tanh²(x).",
        1 - _T**2: "that is d tanh/dx alone: the rule must multiply by out.grad, here 3 from the "
                   "3 * in front.",
        3 * (1 + _T**2): "a sign: the derivative is 1 − tanh², which shrinks as |tanh| grows.",
        3 * (1 - 0.5**2): "1 − x² uses the input; the rule needs the output: 1 − out.data².",
        0.0: "x.grad is 0: did y.backward() run, and does the rule add into a.grad with +=?",
    }
    feedback = check_number(answer, 3 * (1 - _T**2), rel_tol=0, abs_tol=0.005, slips=slips,
                            reveal=False)
    return Feedback(feedback.passed, feedback.message + note) if note else feedback


@exercise("03b.2")
def fixed_multiplication(answer: object) -> Feedback:
    """(a.grad, b.grad) for d = (a * b) * a at a = 2, b = 5, with the rule fixed: (20, 4)."""
    pair = _pair(answer)
    if isinstance(pair, Feedback):
        return pair
    hints = {
        (22.0, 50.0): "that is the broken rule's answer: each input's local derivative of a·b is "
                      "the *other* input, so a.grad += out.grad * b.data.",
        (10.0, 4.0): "a.grad lost a contribution: a is used twice, so its rule must add (+=), "
                     "not assign.",
        (4.0, 20.0): "the two are swapped: answer (a.grad, b.grad).",
        (2.0, 5.0): "those look like the rule's inputs: with d = a²·b, ∂d/∂a = 2ab and "
                    "∂d/∂b = a².",
        (0.0, 0.0): "both are 0: did d.backward() run after the fix?",
        (12.0, 10.0): "one line is fixed, the other still uses its own input: each input's local "
                      "derivative is the *other* input, in both lines.",
        (30.0, 20.0): "one line is fixed, the other still uses its own input: each input's local "
                      "derivative is the *other* input, in both lines.",
    }
    if _matches(pair, (20.0, 4.0)):
        return Feedback(True, "(20, 4): ∂d/∂a = 2ab, ∂d/∂b = a².")
    for wrong, hint in hints.items():
        if _matches(pair, wrong):
            return Feedback(False, f"{pair}: {hint}")
    if math.isclose(pair[0], 10.0, abs_tol=1e-6):
        return Feedback(False, f"{pair}: a.grad has only one of its two paths: a feeds d directly "
                               "and through a·b.")
    return Feedback(False, f"{pair} is not it. Predict with d = a²·b, then compare.")


@exercise("03b.3")
def reused_node(answer: object) -> Feedback:
    """(naive, right) a.grad for b = a + a, c = b * b at a = 3: (48, 24)."""
    pair = _pair(answer)
    if isinstance(pair, Feedback):
        return pair
    naive, right = pair
    if _matches(pair, (48.0, 24.0)):
        return Feedback(True, "(48, 24): plain recursion runs b's rule once per edge from c, "
                              "doubling a.grad.")
    if _matches(pair, (24.0, 48.0)):
        return Feedback(False, f"{pair}: swapped: answer (naive, right).")
    if not math.isclose(right, 24.0, abs_tol=1e-6):
        if math.isclose(right, naive + 24.0, abs_tol=1e-6):
            return Feedback(False, f"{pair}: the right value carries the naive run's gradient: a "
                                   "leaf accumulates. Build new Values for each method.")
        if math.isclose(right, 12.0, abs_tol=1e-6):
            return Feedback(False, f"{pair}: 12 is b.grad; b = a + a passes it to a along two "
                                   "edges, so a.grad = 24.")
        return Feedback(False, f"{pair}: the right value is wrong. c = (2a)² = 4a², so dc/da = 8a.")
    if math.isclose(naive, 24.0, abs_tol=1e-6):
        return Feedback(False, f"{pair}: naive recursion is not right here: c's parents are "
                               "(b, b), so it visits b, and runs b's rule, twice.")
    if math.isclose(naive, 96.0, abs_tol=1e-6) or math.isclose(naive, 36.0, abs_tol=1e-6):
        return Feedback(False, f"{pair}: count again: b.grad is 12 after c's rule; each of b's two "
                               "runs adds 12 twice into a.grad.")
    return Feedback(False, f"{pair}: the right value is; the naive one is not. Run naive_backward "
                           "on a fresh graph (new Values) after setting c.grad = 1.0.")
