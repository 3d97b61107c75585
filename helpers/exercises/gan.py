"""Exercises of notebook 07 (the GAN training loop): ids 07.1 to 07.4."""

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from helpers.checks import Feedback, check_number
from helpers.exercises import exercise
from helpers.gan import build_discriminator, build_generator, gan_step
from helpers.paintings import artist_work


@exercise("07.1")
def discriminator_loss_by_hand(answer: object) -> Feedback:
    """D's loss when D says 0.9 on every real painting and 0.2 on every fake: −ln 0.9 − ln 0.8."""
    expected = -math.log(0.9) - math.log(0.8)
    slips = {
        -math.log(0.9) - math.log(0.2): "a fake's term is −log(1 − D(G(z))): D should say *fake*, "
                                        "so the probability in the log is 1 − 0.2.",
        -math.log(0.9): "that is the real term alone; D's loss adds the term of the fakes.",
        -math.log(0.8): "that is the fake term alone; D's loss adds the term of the reals.",
        -math.log10(0.9) - math.log10(0.8): "cross-entropy uses the natural log, not log10.",
        math.log(0.9) + math.log(0.8): "the sign is flipped: a loss is −log of a probability.",
        (-math.log(0.9) - math.log(0.8)) / 2: "half the answer: the loss adds the two means, "
                                              "it does not average them.",
    }
    return check_number(answer, expected, rel_tol=1e-3, slips=slips)


_LOGITS = (
    torch.tensor([[-2.0], [0.5], [3.0]]),
    torch.tensor([[0.0], [0.0]]),
    torch.tensor([[-30.0], [-8.0], [1.5], [12.0]]),
)
_VERY_SURE = torch.tensor([[-200.0], [-120.0]])


def _non_saturating(logits: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))


@exercise("07.2")
def non_saturating_loss(answer: object) -> Feedback:
    """A function of D's logits on fakes -> G's non-saturating loss, finite for any logit."""
    if not callable(answer):
        return Feedback(False, f"expected a function of fake_logits, got {type(answer).__name__}.")
    known_slips: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
        "that is the minimax form mean(log(1 − D(G(z)))), whose gradient vanishes while "
        "D rejects the fakes": lambda logit: -F.softplus(logit).mean(),
        "the sign is flipped: G minimises this loss, so it must fall as D(G(z)) rises": (
            lambda logit: F.logsigmoid(logit).mean()
        ),
        "that is the sum over the batch; the loss is the mean (a sum makes the step grow "
        "with the batch size)": lambda logit: F.softplus(-logit).sum(),
        "that is −mean(logit): the sigmoid is missing, D's logit is not yet a probability": (
            lambda logit: -logit.mean()
        ),
        "that takes the logits as probabilities: −log needs sigmoid(logit) first, or "
        "binary_cross_entropy_with_logits": (
            lambda logit: -torch.log(logit.clamp(min=1e-12)).mean()
        ),
    }
    for position, logits in enumerate(_LOGITS):
        expected = _non_saturating(logits)
        try:
            got = answer(logits.clone())
        except Exception as error:  # a learner's bug is feedback, not a crash
            return Feedback(False, f"raised {type(error).__name__} on input {position}: {error}")
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            return Feedback(False, f"expected a one-element tensor (a loss to backward), got "
                                   f"{type(got).__name__} on input {position}.")
        got = got.reshape(())
        if not torch.allclose(got, expected, rtol=1e-4, atol=1e-5):
            for hint, slip in known_slips.items():
                if torch.allclose(got, slip(logits).reshape(()), rtol=1e-4, atol=1e-5):
                    return Feedback(False, f"on input {position}: {hint}.")
            return Feedback(False, f"on input {position}: got {got.item():.4f}, expected "
                                   f"{expected.item():.4f} = −mean(log sigmoid(logit)).")
    very_sure = answer(_VERY_SURE.clone())
    if not torch.isfinite(torch.as_tensor(very_sure)).all():
        return Feedback(False, "right for ordinary logits, but not finite at logit −200: "
                               "sigmoid(−200) is 0 in float32 and log(0) is −inf. "
                               "F.logsigmoid or F.binary_cross_entropy_with_logits stay finite.")
    return Feedback(True, f"matches −mean(log sigmoid(logit)) on all {len(_LOGITS)} inputs, "
                          "and stays finite at logit −200.")


@exercise("07.3")
def collapsed_ks(answer: object) -> Feedback:
    """The KS distance to U(1, 2) of a generator that always draws a = 1.8: 0.8."""
    slips = {
        0.2: "that is the gap above 1.8. The KS distance is the largest gap between the CDFs: "
             "just below 1.8 the sample's CDF is still 0 while U(1, 2)'s is already 0.8.",
        0.3: "that is |1.8 − 1.5|, a distance between means; KS compares whole CDFs.",
        0.5: "0.5 is the answer for a = 1.5; here the step of the sample's CDF is at 1.8.",
        0.0: "a KS of 0 would mean a perfect match; one value of a is a step in the CDF, "
             "U(1, 2) a ramp.",
        1.0: "1 is for a sample wholly outside [1, 2]; at a = 1.8 the CDFs overlap.",
    }
    return check_number(answer, 0.8, slips=slips)


def _train(train_step: Callable, steps: int) -> tuple[torch.nn.Module, torch.nn.Module]:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(6)
        G, D = build_generator(hidden=16), build_discriminator(hidden=16)
    optimizer_G = torch.optim.Adam(G.parameters(), lr=1e-2, betas=(0.5, 0.999))
    optimizer_D = torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999))
    rng = torch.Generator().manual_seed(6)
    for _ in range(steps):
        real, ideas = artist_work(8, generator=rng), torch.randn(8, 5, generator=rng)
        train_step(G, D, optimizer_G, optimizer_D, real, ideas)
    return G, D


def _same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    return all(torch.allclose(p, q, atol=1e-6) for p, q in zip(a.parameters(), b.parameters(),
                                                                strict=True))


def _without_zero_grad(which: str) -> Callable:
    """The correct step with one network's zero_grad() left out."""

    def step(G, D, optimizer_G, optimizer_D, real, ideas):
        skipped = optimizer_D if which == "D" else optimizer_G
        original = skipped.zero_grad
        skipped.zero_grad = lambda *args, **kwargs: None
        try:
            gan_step(G, D, optimizer_G, optimizer_D, real, ideas)
        finally:
            skipped.zero_grad = original

    return step


def _minimax(G, D, optimizer_G, optimizer_D, real, ideas):
    gan_step(G, D, optimizer_G, optimizer_D, real, ideas, loss="minimax")


def _g_first(G, D, optimizer_G, optimizer_D, real, ideas):
    """G steps through the old D, then D learns: the two halves swapped."""
    fake = G(ideas)
    optimizer_G.zero_grad()
    _non_saturating(D(fake)).backward()
    optimizer_G.step()
    d_loss = (F.binary_cross_entropy_with_logits(D(real), torch.ones(len(real), 1))
              + F.binary_cross_entropy_with_logits(D(fake.detach()), torch.zeros(len(real), 1)))
    optimizer_D.zero_grad()
    d_loss.backward()
    optimizer_D.step()


_SLIPS = {
    "D's optimizer never zeroes its gradients: add optimizer_D.zero_grad() before D's "
    "backward, or D keeps adding G's leftovers and its old gradients": _without_zero_grad("D"),
    "G's optimizer never zeroes its gradients: add optimizer_G.zero_grad() before G's "
    "backward (D's backward through fake.detach() leaves G's .grad alone, but G's own "
    "gradients pile up from step to step)": _without_zero_grad("G"),
    "G's loss is the minimax log(1 − D(G(z))); the exercise asks for the non-saturating "
    "−log D(G(z))": _minimax,
    "G stepped before D learnt: D's step comes first, then G's loss through the updated D":
        _g_first,
}


def _matching_slip(answer: Callable, steps: int) -> str | None:
    got = _train(answer, steps)
    for hint, slip in _SLIPS.items():
        if all(map(_same_weights, got, _train(slip, steps))):
            return hint
    return None


@exercise("07.4")
def correct_training_step(answer: object) -> Feedback:
    """``train_step(G, D, optimizer_G, optimizer_D, real, ideas)``: one correct GAN step."""
    if not callable(answer):
        return Feedback(False, f"expected a function train_step(G, D, optimizer_G, optimizer_D, "
                               f"real, ideas), got {type(answer).__name__}.")
    try:
        G_got, D_got = _train(answer, steps=1)
    except Exception as error:  # a learner's bug is feedback, not a crash
        hint = ""
        if "inplace operation" in str(error):
            hint = (" G's loss went back through a D that optimizer_D.step() had already "
                    "changed: compute D(fake) again after D's step.")
        elif "second time" in str(error):
            hint = " D's loss must use fake.detach(), so G's graph is still there for G's loss."
        return Feedback(False, f"raised {type(error).__name__}: {str(error)[:120]}.{hint}")
    G_start, D_start = _train(lambda *_: None, steps=1)
    if _same_weights(G_got, G_start) and _same_weights(D_got, D_start):
        return Feedback(False, "train_step changed no weights: did you call both "
                               "optimizers' step()?")
    if all(map(_same_weights, _train(answer, steps=3), _train(gan_step, steps=3))):
        return Feedback(True, "three steps give exactly the weights of the correct loop.")
    slip = _matching_slip(answer, steps=3)
    if slip is not None:
        return Feedback(False, slip + ".")
    G_want, D_want = _train(gan_step, steps=1)
    if not _same_weights(D_got, D_want):
        return Feedback(False, "D's weights differ from a correct step: did D's step see only "
                               "D's loss on real and fake.detach() (zero_grad just before D's "
                               "backward, step right after)?")
    if not _same_weights(G_got, G_want):
        return Feedback(False, "D is right but G's weights differ: G's loss should be "
                               "−mean(log sigmoid(D(G(z)))) through the updated D, after "
                               "zero_grad on G.")
    return Feedback(False, "the first step is right but the next two are not: does "
                           "train_step keep something from one call to the next?")
