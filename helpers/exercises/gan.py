"""Exercises of notebook 07 (the GAN training loop): ids 07.1 to 07.4."""

import math
from collections.abc import Callable

import torch

from helpers.checks import Feedback, check_number
from helpers.exercises import exercise
from helpers.gan import build_discriminator, build_generator, gan_step, generator_loss
from helpers.paintings import artist_work

_PROBABILITIES = (
    torch.tensor([[0.1], [0.3], [0.8]]),
    torch.tensor([[0.5], [0.5]]),
    torch.tensor([[0.02], [0.6], [0.75], [0.99]]),
)


@exercise("07.1")
def equilibrium_d_loss(answer: object) -> Feedback:
    """D's loss when D outputs 1/2 for every painting, real or fake: 2 ln 2."""
    verdict = check_number(answer, 2 * math.log(2))
    if verdict or isinstance(answer, bool) or not isinstance(answer, int | float):
        return verdict
    if math.isclose(answer, math.log(2), rel_tol=1e-4):
        return Feedback(False, f"{answer:.6g}, expected 2 ln 2 ≈ 1.38629: ln 2 is one term; "
                               "D's loss has a real and a fake term.")
    if math.isclose(answer, 2 * math.log10(2), rel_tol=1e-4):
        return Feedback(False, f"{answer:.6g}, expected 2 ln 2 ≈ 1.38629: cross-entropy uses "
                               "the natural log, not log10.")
    return verdict


@exercise("07.2")
def non_saturating_loss(answer: object) -> Feedback:
    """A function d_fake -> G's non-saturating loss, ``−mean log D(G(z))``."""
    if not callable(answer):
        return Feedback(False, f"expected a function of d_fake, got {type(answer).__name__}.")
    known_slips: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
        "that is the minimax form mean(log(1 − D(G(z)))), whose gradient vanishes while "
        "D rejects the fakes": lambda d: torch.log(1 - d).mean(),
        "that is the seed's −1/mean(log(1 − D(G(z)))), not a GAN loss": (
            lambda d: -1 / torch.log(1 - d).mean()
        ),
        "the sign is flipped: G minimises this loss, so it must fall as D(G(z)) rises": (
            lambda d: torch.log(d).mean()
        ),
    }
    for position, d_fake in enumerate(_PROBABILITIES):
        expected = generator_loss(d_fake, "non_saturating")
        try:
            got = answer(d_fake.clone())
        except Exception as error:  # a learner's bug is feedback, not a crash
            return Feedback(False, f"raised {type(error).__name__} on input {position}: {error}")
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            return Feedback(False, f"expected a one-element tensor (a loss to backward), got "
                                   f"{type(got).__name__} on input {position}.")
        if not torch.allclose(got.reshape(()), expected, rtol=1e-4, atol=1e-6):
            for hint, slip in known_slips.items():
                if torch.allclose(got.reshape(()), slip(d_fake), rtol=1e-4, atol=1e-6):
                    return Feedback(False, f"on input {position}: {hint}.")
            return Feedback(False, f"on input {position}: got {got.item():.4f}, expected "
                                   f"{expected.item():.4f} = −mean(log(d_fake)).")
    return Feedback(True, f"matches −mean(log D(G(z))) on all {len(_PROBABILITIES)} inputs.")


@exercise("07.3")
def collapsed_ks(answer: object) -> Feedback:
    """The KS distance to U(1, 2) of a generator that always draws a = 1.5: 0.5."""
    verdict = check_number(answer, 0.5)
    if verdict or isinstance(answer, bool) or not isinstance(answer, int | float):
        return verdict
    if math.isclose(answer, 0.0, abs_tol=1e-6):
        return Feedback(False, f"{answer:.6g}, expected 0.5: a KS of 0 would mean a perfect match; "
                               "one value of a is a step in the CDF, U(1, 2) a ramp.")
    if math.isclose(answer, 1.0, rel_tol=1e-4):
        return Feedback(False, f"{answer:.6g}, expected 0.5: 1 is for a sample wholly outside "
                               "[1, 2]; at a = 1.5 the uniform CDF is already 1/2.")
    return verdict


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
    G_want, D_want = _train(gan_step, steps=1)
    if not _same_weights(D_got, D_want):
        return Feedback(False, "D's weights differ from a correct step: did D's step see only "
                               "D's loss (zero_grad just before D's backward, step right after)?")
    if not _same_weights(G_got, G_want):
        return Feedback(False, "D is right but G's weights differ: G's loss should be "
                               "−mean(log D(G(z))) through the updated D, after zero_grad on G.")
    if not all(map(_same_weights, _train(answer, steps=3), _train(gan_step, steps=3))):
        return Feedback(False, "the first step is right but the next two are not: does "
                               "train_step keep state between calls?")
    return Feedback(True, "three steps give exactly the weights of the correct loop.")
