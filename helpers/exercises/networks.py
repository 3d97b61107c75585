"""Exercises of notebooks 04 (gradients by hand) and 05 (torch.nn and torch.optim)."""

import math
from collections.abc import Callable

import torch
from torch import nn

from helpers.checks import Feedback, check_number, check_shape, check_tensor
from helpers.exercises import exercise


def _small_problem() -> tuple[torch.Tensor, ...]:
    generator = torch.Generator().manual_seed(4)
    x = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    y = torch.randn(6, 3, generator=generator, dtype=torch.float64)
    w1 = torch.randn(5, 4, generator=generator, dtype=torch.float64)
    w2 = torch.randn(4, 3, generator=generator, dtype=torch.float64)
    return x, y, w1, w2


def _autograd_gradients(
    x: torch.Tensor, y: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, reduce: str
) -> tuple[torch.Tensor, torch.Tensor]:
    w1, w2 = w1.clone().requires_grad_(), w2.clone().requires_grad_()
    squared = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2)
    (squared.mean() if reduce == "mean" else squared.sum()).backward()
    return w1.grad, w2.grad


@exercise("04.1")
def gradient_shape(answer: object) -> Feedback:
    """Shape of the gradient of w1 for batch 32, input 784, hidden 64, output 10."""
    if check_shape(answer, (32, 64)):
        return Feedback(
            False,
            "(32, 64) is the shape of the hidden layer's gradient; a weight's gradient "
            "has the shape of the weight itself.",
        )
    return check_shape(answer, (784, 64))


@exercise("04.2")
def mean_loss_gradients(answer: object) -> Feedback:
    """A function (x, y, w1, w2) -> (grad_w1, grad_w2) for the mean squared error."""
    if not callable(answer):
        return Feedback(False, f"expected a function, got {type(answer).__name__}.")
    x, y, w1, w2 = _small_problem()
    try:
        got = answer(x, y, w1, w2)
    except Exception as error:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"raised {type(error).__name__}: {error}")
    if not isinstance(got, tuple | list) or len(got) != 2:
        return Feedback(False, f"expected a pair (grad_w1, grad_w2), got {type(got).__name__}.")
    want = _autograd_gradients(x, y, w1, w2, "mean")
    summed = _autograd_gradients(x, y, w1, w2, "sum")
    for name, grad, wanted, of_sum in zip(("grad_w1", "grad_w2"), got, want, summed, strict=True):
        if isinstance(grad, torch.Tensor) and grad.shape == of_sum.shape:
            if torch.allclose(grad.double(), of_sum):
                return Feedback(
                    False,
                    f"{name} is the summed loss's gradient: the mean divides by "
                    f"y.numel() = {y.numel()}, and so does its gradient.",
                )
        verdict = check_tensor(grad, wanted, rtol=1e-6, atol=1e-9)
        if not verdict:
            return Feedback(False, f"{name}: {verdict.message}")
    return Feedback(True, "both gradients match autograd on a 6-sample problem.")


@exercise("04.3")
def leaky_relu_function(answer: object) -> Feedback:
    """A torch.autograd.Function computing LeakyReLU with slope 0.01, with its backward."""
    if not (isinstance(answer, type) and issubclass(answer, torch.autograd.Function)):
        return Feedback(
            False,
            f"expected a torch.autograd.Function subclass (the class, not an instance), "
            f"got {answer!r}.",
        )
    generator = torch.Generator().manual_seed(3)
    inputs = torch.randn(20, generator=generator, dtype=torch.float64)
    inputs = inputs + inputs.sign() * 0.1  # keep away from the kink at 0
    reference = torch.nn.functional.leaky_relu(inputs, 0.01)
    mine = inputs.clone().requires_grad_()
    try:
        output = answer.apply(mine)
        forward = check_tensor(output, reference)
        if not forward:
            return Feedback(False, f"forward: {forward.message}")
        output.sum().backward()
    except Exception as error:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"raised {type(error).__name__}: {error}")
    slope = torch.where(inputs > 0, 1.0, 0.01).double()
    if mine.grad is not None and torch.allclose(mine.grad, (inputs > 0).double()):
        return Feedback(False, "backward gives ReLU's gradient: negative inputs have slope 0.01.")
    backward = check_tensor(mine.grad, slope)
    if not backward:
        return Feedback(False, f"backward: {backward.message}")
    passes = torch.autograd.gradcheck(
        answer.apply, (inputs.requires_grad_(),), raise_exception=False
    )
    if not passes:
        return Feedback(False, "gradcheck fails: backward disagrees with finite differences.")
    return Feedback(True, "forward and backward match LeakyReLU(0.01), and gradcheck passes.")


@exercise("05.1")
def parameter_count(answer: object) -> Feedback:
    """Parameters of Sequential(Linear(784, 128), ReLU(), Linear(128, 10))."""
    weights_only = 784 * 128 + 128 * 10
    if isinstance(answer, int) and answer == weights_only:
        return Feedback(
            False, f"{weights_only} counts the weights only: each Linear has a bias too."
        )
    return check_number(answer, float(weights_only + 128 + 10), rel_tol=0, abs_tol=0.5)


@exercise("05.2")
def cross_entropy_by_hand(answer: object) -> Feedback:
    """Cross-entropy of logits [2.0, 1.0, 0.1] with target class 0, in nats."""
    logits = torch.tensor([2.0, 1.0, 0.1], dtype=torch.float64)
    probability = torch.softmax(logits, dim=0)[0].item()
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        if math.isclose(answer, probability, rel_tol=1e-3):
            return Feedback(False, "that is the probability of class 0; the loss is -log of it.")
        if math.isclose(answer, -math.log2(probability), rel_tol=1e-3):
            return Feedback(False, "that is in bits (log base 2); PyTorch uses the natural log.")
    return check_number(answer, -math.log(probability), rel_tol=1e-3)


@exercise("05.3")
def mean_loss_learning_rate(answer: object) -> Feedback:
    """SGD learning rate on MSELoss (100 x 10 outputs) matching lr 1e-6 on the summed loss."""
    hints = {
        1e-9: "the mean's gradient is smaller, so its learning rate must be larger, not smaller.",
        1e-4: "the mean divides by all 100 x 10 entries, not by the batch size alone.",
        1e-5: "the mean divides by all 100 x 10 entries, not by the outputs alone.",
    }
    if isinstance(answer, float):
        for wrong, hint in hints.items():
            if math.isclose(answer, wrong, rel_tol=1e-6):
                return Feedback(False, f"{answer:g}: {hint}")
    return check_number(answer, 1e-3, rel_tol=1e-6, abs_tol=0)


def _train_three_steps(step: Callable[..., object]) -> tuple[list[object], nn.Module]:
    torch.manual_seed(5)
    generator = torch.Generator().manual_seed(5)
    x = torch.randn(8, 4, generator=generator)
    y = torch.randn(8, 2, generator=generator)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = [step(model, optimizer, nn.MSELoss(), x, y) for _ in range(3)]
    return losses, model


def _reference_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: nn.Module, x, y
) -> float:
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


@exercise("05.4")
def train_step(answer: object) -> Feedback:
    """A function (model, optimizer, loss_fn, x, y) -> float doing one training step."""
    if not callable(answer):
        return Feedback(False, f"expected a function, got {type(answer).__name__}.")
    want_losses, want_model = _train_three_steps(_reference_step)
    try:
        got_losses, got_model = _train_three_steps(answer)
    except Exception as error:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"raised {type(error).__name__}: {error}")
    if not all(isinstance(loss, float) for loss in got_losses):
        kinds = sorted({type(loss).__name__ for loss in got_losses})
        return Feedback(False, f"expected a float loss, got {', '.join(kinds)}: loss.item()?")
    if got_losses[1:] == got_losses[:-1]:
        return Feedback(
            False, "the loss never changes: is step() called after the gradient is wiped?"
        )
    pairs = zip(got_losses, want_losses, strict=True)
    if not all(math.isclose(got, want, rel_tol=1e-5) for got, want in pairs):
        return Feedback(
            False,
            "the losses drift from plain SGD after the first step: gradients accumulate "
            "unless optimizer.zero_grad() runs before backward().",
        )
    for got, want in zip(got_model.parameters(), want_model.parameters(), strict=True):
        if not torch.allclose(got, want, rtol=1e-5, atol=1e-7):
            return Feedback(False, "the losses match but the parameters do not.")
    return Feedback(True, "three steps give the same losses and parameters as plain SGD.")
