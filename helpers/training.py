"""The seed's two-layer net and the loops that train it (notebooks 04 and 05).

Notebook 04 writes the backward pass by hand and trains with plain gradient
descent; notebook 05 hands the same job to ``torch.nn`` and ``torch.optim``.
Both share the data and the loops here, so a widget can retrain in a blink and
the notebooks' cells can stay about one idea each.
"""

import math
from collections.abc import Callable, Iterable

import torch
from torch import nn
from tqdm.auto import tqdm

from helpers import arguments
from helpers.environment import resolve_seed


def seed_problem(
    batch_n: int = 100,
    input_data: int = 1000,
    hidden_layer: int = 100,
    output_data: int = 10,
    seed: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Seed 001's random ``x``, ``y``, ``w1``, ``w2`` on the CPU (introduced in notebook 04).

    Drawn in that order from a private generator seeded with ``seed``, so the
    numbers do not depend on what ran before. ``seed=None`` means the
    session's seed (``helpers.setup(seed)``): changing the seed in a notebook's
    first cell changes the problem.
    """
    sizes = {
        "batch_n": batch_n,
        "input_data": input_data,
        "hidden_layer": hidden_layer,
        "output_data": output_data,
    }
    for name, size in sizes.items():
        arguments.positive_int(size, name)
    generator = torch.Generator().manual_seed(resolve_seed(seed))
    x = torch.randn(batch_n, input_data, generator=generator)
    y = torch.randn(batch_n, output_data, generator=generator)
    w1 = torch.randn(input_data, hidden_layer, generator=generator)
    w2 = torch.randn(hidden_layer, output_data, generator=generator)
    return x, y, w1, w2


def _check_two_layer(x: object, y: object, w1: object, w2: object) -> None:
    named = {"x": x, "y": y, "w1": w1, "w2": w2}
    for name, value in named.items():
        arguments.tensor(value, name, dim=2, floating=True)
    if x.shape[1] != w1.shape[0] or w1.shape[1] != w2.shape[0] or w2.shape[1] != y.shape[1]:
        raise ValueError(
            "shapes must chain as x (N, D), w1 (D, H), w2 (H, C), y (N, C), got "
            f"x {tuple(x.shape)}, w1 {tuple(w1.shape)}, w2 {tuple(w2.shape)}, y {tuple(y.shape)}"
        )
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have as many rows, got {x.shape[0]} and {y.shape[0]}")


def two_layer_gradients(
    x: torch.Tensor, y: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor
) -> tuple[float, torch.Tensor, torch.Tensor]:
    """The summed squared error of ``relu(x @ w1) @ w2`` and its hand-written gradients.

    Introduced in notebook 04, which derives each line. Returns
    ``(loss, grad_w1, grad_w2)``; no autograd is involved.
    """
    _check_two_layer(x, y, w1, w2)
    hidden = x.mm(w1)
    hidden_relu = hidden.clamp(min=0)
    y_pred = hidden_relu.mm(w2)
    loss = (y_pred - y).pow(2).sum().item()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = hidden_relu.t().mm(grad_y_pred)
    grad_hidden = grad_y_pred.mm(w2.t()) * (hidden > 0)
    grad_w1 = x.t().mm(grad_hidden)
    return loss, grad_w1, grad_w2


def train_by_hand(
    x: torch.Tensor,
    y: torch.Tensor,
    w1: torch.Tensor,
    w2: torch.Tensor,
    learning_rate: float,
    epochs: int,
) -> list[float]:
    """Plain gradient descent on copies of ``w1``, ``w2``; the loss before each step.

    Introduced in notebook 04. Stops early when the loss stops being a finite
    number, so a diverging rate costs no time; the last entry is then ``inf``
    or ``nan``.
    """
    _check_two_layer(x, y, w1, w2)
    arguments.number(learning_rate, "learning_rate", minimum=0, strict=True)
    arguments.positive_int(epochs, "epochs")
    w1, w2 = w1.clone(), w2.clone()
    losses = []
    for _ in range(epochs):
        loss, grad_w1, grad_w2 = two_layer_gradients(x, y, w1, w2)
        losses.append(loss)
        if not math.isfinite(loss):
            break
        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    return losses


def fit(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    epochs: int,
    *,
    progress: bool = False,
) -> list[float]:
    """Train ``model`` for ``epochs`` passes over ``batches``; the loss of each epoch.

    Introduced in notebook 05: each batch runs ``zero_grad``, forward,
    ``backward``, ``step``. ``batches`` is re-iterated every epoch, so a
    ``DataLoader`` reshuffles and a list ``[(x, y)]`` gives full-batch training.
    Batches are moved to the device of the model's first parameter.
    An epoch's loss averages the batch losses weighted by their number of
    samples, so with a mean loss such as ``MSELoss()`` it is the mean over every
    sample of the epoch, even when the last batch is smaller (each loss is
    measured while the weights are still moving). ``progress=True`` shows a
    ``tqdm.auto`` bar over the epochs.
    """
    arguments.instance(model, "model", nn.Module, "a torch.nn.Module")
    arguments.function(loss_fn, "loss_fn")
    arguments.instance(optimizer, "optimizer", torch.optim.Optimizer, "a torch.optim.Optimizer")
    arguments.instance(batches, "batches", Iterable,
                       "an iterable of (inputs, targets) pairs, such as a DataLoader")
    arguments.positive_int(epochs, "epochs")
    arguments.flag(progress, "progress")
    device = next(model.parameters()).device
    losses = []
    for _ in tqdm(range(epochs), desc="epochs", disable=not progress):
        weighted_sum, samples = 0.0, 0
        for inputs, targets in batches:
            loss = loss_fn(model(inputs.to(device)), targets.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            weighted_sum += loss.item() * len(inputs)
            samples += len(inputs)
        if samples == 0:
            raise ValueError("batches yielded no (inputs, targets) pair with a sample in it")
        losses.append(weighted_sum / samples)
    return losses
