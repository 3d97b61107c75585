"""Exercises of notebook 07 (the GAN training loop): ids 07.1 to 07.4."""

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from helpers.checks import check_number
from helpers.exercises import exercise
from helpers.feedback import RETURNED_NONE, Feedback
from helpers.gan import build_discriminator, build_generator, discriminator_loss, generator_loss
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
    return check_number(answer, expected, rel_tol=0, abs_tol=0.005, slips=slips, reveal=False)


_LOGITS = (
    torch.tensor([[-2.0], [0.5], [3.0]]),
    torch.tensor([[0.0], [0.0]]),
    torch.tensor([[-30.0], [-8.0], [1.5], [12.0]]),
)
_VERY_SURE = torch.tensor([[-200.0], [-120.0]])


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
        "that targets label 0: G wants D to call its fakes real, label 1 "
        "(torch.ones_like)": lambda logit: F.softplus(logit).mean(),
    }
    for position, logits in enumerate(_LOGITS):
        expected = generator_loss(logits)
        try:
            got = answer(logits.clone())
        except Exception as error:  # a learner's bug is feedback, not a crash
            return Feedback(False, f"raised {type(error).__name__} on input {position}: {error}")
        if got is None:
            return Feedback(False, RETURNED_NONE)
        if not isinstance(got, torch.Tensor):
            return Feedback(False, f"expected a one-element tensor (a loss to backward), got "
                                   f"{type(got).__name__} on input {position}.")
        if got.numel() != 1:
            return Feedback(False, f"expected a one-element tensor (a loss to backward), got a "
                                   f"tensor of shape {tuple(got.shape)} on input {position}: "
                                   "one loss per sample; .mean() makes them the batch's loss.")
        # float64 with the right values is right too; compare in the reference's dtype.
        got = got.reshape(()).to(expected.dtype)
        if not torch.allclose(got, expected, rtol=1e-4, atol=1e-5):
            for hint, slip in known_slips.items():
                if torch.allclose(got, slip(logits).reshape(()), rtol=1e-4, atol=1e-5):
                    return Feedback(False, f"on input {position}: {hint}.")
            return Feedback(False, f"on input {position}: got {got.item():.4f}, expected "
                                   f"{expected.item():.4f} = −mean(log sigmoid(logit)).")
    very_sure = answer(_VERY_SURE.clone())
    if not torch.isfinite(torch.as_tensor(very_sure)).all():
        return Feedback(False, "right for ordinary logits, but not finite at logit −200: float32 "
                               "holds neither e^200 nor sigmoid(−200) > 0. F.logsigmoid or "
                               "F.binary_cross_entropy_with_logits stay finite.")
    sure = torch.full((2, 1), -30.0, requires_grad=True)
    try:
        (slope,) = torch.autograd.grad(answer(sure).reshape(()), sure)
    except RuntimeError as error:
        return Feedback(False, f"the right values, but no gradient reaches the logits ({error}): "
                               "the loss must stay a tensor computed from fake_logits.")
    if not torch.allclose(slope, torch.full_like(slope, -0.5), atol=0.01):
        return Feedback(False, f"the right values, but at logit −30 the gradient is "
                               f"{slope[0, 0].item():.3g} per sample instead of −1/m = −0.5: "
                               "binary_cross_entropy on sigmoid(logit) clamps its log and loses "
                               "G's gradient when D is very sure. Compute from the logit: "
                               "F.binary_cross_entropy_with_logits or −F.logsigmoid.")
    return Feedback(True, f"matches −mean(log sigmoid(logit)) on all {len(_LOGITS)} inputs, "
                          "stays finite at logit −200 and keeps the gradient at −30.")


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
    return check_number(answer, 0.8, rel_tol=0, abs_tol=0.005, slips=slips, reveal=False)


def _fresh_game() -> tuple[torch.nn.Module, torch.nn.Module, torch.optim.Optimizer,
                            torch.optim.Optimizer, torch.Generator]:
    """The same small G and D, their Adam optimizers and the batches' generator, for every run
    the checker compares."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(6)
        G, D = build_generator(hidden=16), build_discriminator(hidden=16)
    optimizer_G = torch.optim.Adam(G.parameters(), lr=1e-2, betas=(0.5, 0.999))
    optimizer_D = torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999))
    return G, D, optimizer_G, optimizer_D, torch.Generator().manual_seed(6)


def _batch(rng: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Eight real paintings and eight ideas."""
    return artist_work(8, generator=rng), torch.randn(8, 5, generator=rng)


def _train(train_step: Callable, steps: int) -> tuple[torch.nn.Module, torch.nn.Module]:
    G, D, optimizer_G, optimizer_D, rng = _fresh_game()
    for _ in range(steps):
        train_step(G, D, optimizer_G, optimizer_D, *_batch(rng))
    return G, D


def _same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    # Adam makes a step whose size barely depends on the loss's scale, so an equivalent loss
    # written another way (half of D's loss, one BCE over real and fake together) lands within
    # about 1e-6 of the reference, not on it.
    return all(torch.allclose(p, q, atol=1e-5) for p, q in zip(a.parameters(), b.parameters(),
                                                                strict=True))


def _two_d_steps(G, D, optimizer_G, optimizer_D, real, ideas, *, d_steps=2, zero_d=True,
                 zero_g=True, step_d=True, step_g=True, loss="non_saturating", g_first=False,
                 swap_labels=False, zero_late=False):
    """The asked-for step, and with one flag changed, a typical slip."""
    fake = G(ideas)

    def g_half():
        if zero_g and not zero_late:
            optimizer_G.zero_grad()
        generator_loss(D(fake), loss).backward()
        if zero_late:
            optimizer_G.zero_grad()
        if step_g:
            optimizer_G.step()

    if g_first:
        g_half()
    for _ in range(d_steps):
        if zero_d and not zero_late:
            optimizer_D.zero_grad()
        real_logits, fake_logits = D(real), D(fake.detach())
        if swap_labels:
            real_logits, fake_logits = fake_logits, real_logits
        discriminator_loss(real_logits, fake_logits).backward()
        if zero_late:
            optimizer_D.zero_grad()
        if step_d:
            optimizer_D.step()
    if not g_first:
        g_half()


def _variant(**change: object) -> Callable:
    return lambda *arguments: _two_d_steps(*arguments, **change)


_SLIPS = {
    "D's labels are swapped: its loss should call the real paintings real (label 1) and the "
    "fakes fake (label 0), discriminator_loss(D(real), D(fake.detach()))":
        _variant(swap_labels=True),
    "zero_grad() between backward() and step() wipes the gradient the step needs: the order is "
    "zero_grad(), backward(), step()": _variant(zero_late=True),
    "D learnt once before G's step; the exercise asks for two D steps, each with its own "
    "zero_grad, backward and step": _variant(d_steps=1),
    "D's two steps share one gradient: without optimizer_D.zero_grad() before each D "
    "backward, the second step adds the first step's gradient (and G's leftovers) to its "
    "own": _variant(zero_d=False),
    "G's optimizer never zeroes its gradients: add optimizer_G.zero_grad() before G's "
    "backward (D's backward through fake.detach() leaves G's .grad alone, but G's own "
    "gradients pile up from step to step)": _variant(zero_g=False),
    "optimizer_D.step() is missing: D computes its gradient but never moves":
        _variant(step_d=False),
    "optimizer_G.step() is missing: G computes its gradient but never moves":
        _variant(step_g=False),
    "G's loss is the minimax log(1 − D(G(z))); the exercise asks for the non-saturating "
    "−log D(G(z))": _variant(loss="minimax"),
    "G stepped before D learnt: D's two steps come first, then G's loss through the updated D":
        _variant(g_first=True),
}


def _trace_one_call(train_step: Callable) -> list[str]:
    """What one call of ``train_step`` on fresh networks did, in order: "backward G" or
    "backward D" for each backward pass that reached G's or D's output, "step G" or "step D"
    for each optimizer step. An error the step raises ends the list."""
    events: list[str] = []

    def note(event: str) -> Callable:
        def add(*_: object) -> None:
            events.append(event)
        return add

    def watch_backward(event: str) -> Callable:
        def watch(module, inputs, output):
            if output.requires_grad:
                output.register_hook(note(event))
        return watch

    G, D, optimizer_G, optimizer_D, rng = _fresh_game()
    G.register_forward_hook(watch_backward("backward G"))
    D.register_forward_hook(watch_backward("backward D"))
    optimizer_G.register_step_post_hook(note("step G"))
    optimizer_D.register_step_post_hook(note("step D"))
    try:
        train_step(G, D, optimizer_G, optimizer_D, *_batch(rng))
    except Exception:  # the events up to the error are the evidence
        pass
    return events


def _run_safely(train_step: Callable, steps: int) -> tuple | Feedback:
    """``_train``, or the feedback on the error a learner's step raised."""
    try:
        return _train(train_step, steps)
    except Exception as error:  # a learner's bug is feedback, not a crash
        hint = ""
        events = _trace_one_call(train_step) if "inplace operation" in str(error) else []
        if "step G" in events and "backward G" not in events[:events.index("step G")]:
            hint = (" optimizer_G.step() ran before G's loss went backward, inside D's loop "
                    "where optimizer_D.step() belongs: it changed G's weights under the fake "
                    "that G's loss goes back through.")
        elif events:
            hint = (" G's loss went back through a D that optimizer_D.step() had already "
                    "changed: compute D(fake) again after D's steps.")
        elif "second time" in str(error):
            hint = " D's loss must use fake.detach(), so G's graph is still there for G's loss."
        where = "" if steps == 1 else f" (on step {steps} of {steps}, the first went through)"
        return Feedback(False, f"raised {type(error).__name__}{where}: {str(error)[:120]}."
                               f"{hint}")


@exercise("07.4")
def two_discriminator_steps(answer: object) -> Feedback:
    """``train_step(G, D, optimizer_G, optimizer_D, real, ideas)``: D learns twice, then G once."""
    if not callable(answer):
        return Feedback(False, f"expected a function train_step(G, D, optimizer_G, optimizer_D, "
                               f"real, ideas), got {type(answer).__name__}.")
    first = _run_safely(answer, steps=1)
    if isinstance(first, Feedback):
        return first
    if all(map(_same_weights, first, _train(lambda *_: None, steps=1))):
        events = _trace_one_call(answer)
        if not events:
            return Feedback(False, "train_step did nothing: no backward() and no step() ran. "
                                   "Is its body still `...`?")
        if not any(event.startswith("backward") for event in events):
            return Feedback(False, "train_step changed no weights: no backward() ran, so the "
                                   "optimizers had no gradients to follow.")
        if not any(event.startswith("step") for event in events):
            return Feedback(False, "train_step changed no weights: neither optimizer_D.step() "
                                   "nor optimizer_G.step() ran.")
        return Feedback(False, "train_step changed no weights although backward() and step() "
                               "ran: zero_grad() between them wipes the gradient the step needs; "
                               "the order is zero_grad(), backward(), step().")
    three = _run_safely(answer, steps=3)
    if isinstance(three, Feedback):
        return three
    if all(map(_same_weights, three, _train(_two_d_steps, steps=3))):
        if _trace_one_call(answer).count("backward G") > 1:
            return Feedback(True, "correct result, but D's backward also ran through G: "
                                  "fake.detach() in D's loss saves that work (the weights only "
                                  "match because G's zero_grad() wipes what it left in G).")
        return Feedback(True, "three calls give the weights of two D steps, then one G step "
                              "through the updated D.")
    for hint, slip in _SLIPS.items():
        if all(map(_same_weights, three, _train(slip, steps=3))):
            if hint.startswith("optimizer_D.step() is missing") and (
                    "step D" in _trace_one_call(answer)):
                # D stays put just the same when its step has no gradient to follow.
                hint = ("D's loss.backward() is missing: optimizer_D.step() ran with no "
                        "gradient to follow")
            return Feedback(False, hint + ".")
    D_want = _train(_two_d_steps, steps=1)[1]
    if not _same_weights(first[1], D_want):
        return Feedback(False, "D's weights differ after one call: each of D's two steps should "
                               "see only D's loss on real and fake.detach() (zero_grad just "
                               "before D's backward, step right after).")
    return Feedback(False, "D is right but G's weights differ: G's loss should be "
                           "−mean(log sigmoid(D(G(z)))) through the updated D, after zero_grad "
                           "on G.")
