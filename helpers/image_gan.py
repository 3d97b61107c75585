"""A GAN that draws 8×8 digits, and one that draws the digit you ask for (notebook 08).

``DigitTask`` plugs the digits into notebook 07's ``GanTrainer``: the same
correct step (``gan_step``), recipe, seeded random stream, moving average and
atomic checkpoints. G and D are MLPs with two hidden layers; pixels are scaled
to [-1, 1] and G ends in ``tanh``. A conditional task appends a one-hot label
to G's ideas and to D's input. Training data is the judge's own training split
(notebook 06's ``split_digits(0)``). Its validation digits are the reference every
score and every choice uses; its test digits are scored once, for the number the
notebook reports (``test_frechet_distance``), as notebook 06 teaches. Neither was
seen by the judge's or the GAN's gradient steps.
"""

import dataclasses

import torch
from torch import nn

from helpers import arguments
from helpers.digits import N_CLASSES, split_digits
from helpers.gan_recipe import GanRecipe
from helpers.gan_scores import (
    frechet_distance,
    judge_outputs,
    judge_scores,
    requested_class_accuracy,
)
from helpers.gan_trainer import GanTrainer
from helpers.judge import JUDGE_SEED, load_judge
from helpers.sample_quality import nearest_distances, precision_recall

N_PIXELS = 64
DIGIT_IDEAS = 32
_EVALUATION_SEED = 2024
# Every Fréchet distance of notebook 08, the floor's included, scores this many samples against
# the held-out digits: the distance's bias depends on the sample size (helpers.frechet_bias).
FRECHET_SAMPLES = 1000

# Adam 3e-3 with a short momentum, batches of 128, 128 units a layer, and G drawn from the
# average of its weights over about the last 200 steps (notebook 08 measures it).
DIGIT_RECIPE = GanRecipe(
    lr_g=3e-3, lr_d=3e-3, betas=(0.5, 0.999), batch_size=128, hidden=128, activation="relu",
    scaled=True, bounded=True, ema_decay=0.995,
)
UNCONDITIONAL_STEPS = 2000
CONDITIONAL_STEPS = 1500
# The convolutional pair learns best at a third of that rate (notebook 08, going further).
DCGAN_RECIPE = dataclasses.replace(DIGIT_RECIPE, lr_g=1e-3, lr_d=1e-3)


def _mlp(n_in: int, hidden: int, n_out: int, activation: nn.Module) -> list[nn.Module]:
    return [nn.Linear(n_in, hidden), activation, nn.Linear(hidden, hidden), activation,
            nn.Linear(hidden, n_out)]


def _dcgan(n_ideas: int, recipe: GanRecipe) -> tuple[nn.Module, nn.Module]:
    """A small DCGAN: G upsamples 2×2 → 4×4 → 8×8 with transposed convolutions and batch
    norm; D downsamples with strided convolutions. Both read and write rows of 64 pixels."""
    generator = [
        nn.Linear(n_ideas, 64 * 2 * 2), nn.Unflatten(1, (64, 2, 2)), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1), nn.Flatten(),
    ]
    if recipe.bounded:
        generator.append(nn.Tanh())
    discriminator = [
        nn.Unflatten(1, (1, 8, 8)),
        nn.Conv2d(1, 32, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(64 * 2 * 2, 1),
    ]
    return nn.Sequential(*generator), nn.Sequential(*discriminator)


ARCHITECTURES = ("mlp", "dcgan")


class DigitTask:
    """The 8×8 digits as a GAN task for ``GanTrainer`` (notebook 08).

    ``conditional=True`` learns to draw a requested class: ``sample`` returns
    labels, and both networks get them as one-hot columns. ``architecture``:
    ``"mlp"`` (two hidden layers each) or ``"dcgan"`` (convolutions, unconditional only).
    """

    n_ideas = DIGIT_IDEAS

    def __init__(self, conditional: bool = False, architecture: str = "mlp") -> None:
        if not isinstance(conditional, bool):
            raise TypeError(f"conditional must be a bool, got {type(conditional).__name__}")
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}, got {architecture!r}")
        if conditional and architecture != "mlp":
            raise ValueError("the conditional task uses the MLP networks: one-hot labels are "
                             "appended as columns, which a convolution has no place for")
        self.conditional = conditional
        self.architecture = architecture
        self.n_classes = N_CLASSES if conditional else 0
        self.name = "digits" + ("_conditional" if conditional else "") + (
            "_dcgan" if architecture == "dcgan" else "")
        split = split_digits(JUDGE_SEED)
        self.images = split.train_images.reshape(-1, N_PIXELS)
        self.labels = split.train_labels
        self.validation_images = split.val_images
        self.validation_labels = split.val_labels
        self.test_images = split.test_images
        self._judge = None
        self._features: dict[str, torch.Tensor] = {}

    def build(self, recipe: GanRecipe) -> tuple[nn.Module, nn.Module]:
        """G: ideas (+ label) → 2 × hidden ReLU → 64 (tanh); D: 64 (+ label) → 2 × hidden
        LeakyReLU(0.2) → 1 logit. Or the DCGAN pair."""
        if self.architecture == "dcgan":
            return _dcgan(self.n_ideas, recipe)
        generator = _mlp(self.n_ideas + self.n_classes, recipe.hidden, N_PIXELS, nn.ReLU())
        if recipe.bounded:
            generator.append(nn.Tanh())
        discriminator = _mlp(N_PIXELS + self.n_classes, recipe.hidden, 1, nn.LeakyReLU(0.2))
        return nn.Sequential(*generator), nn.Sequential(*discriminator)

    def sample(
        self, n: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``n`` training digits drawn with replacement, as rows of 64 pixels in [0, 1]."""
        rows = torch.randint(len(self.images), (n,), generator=generator)
        return self.images[rows], (self.labels[rows] if self.conditional else None)

    def encode(self, images: torch.Tensor, recipe: GanRecipe) -> torch.Tensor:
        """Pixels in the space G and D work in: [-1, 1] when the recipe scales."""
        return images * 2 - 1 if recipe.scaled else images

    def decode(self, samples: torch.Tensor, recipe: GanRecipe) -> torch.Tensor:
        """G's output as images ``(N, 1, 8, 8)`` with pixels in [0, 1]."""
        pixels = (samples + 1) / 2 if recipe.scaled else samples
        return pixels.clamp(0, 1).reshape(-1, 1, 8, 8)

    def judge(self) -> nn.Module:
        """Notebook 06's classifier, on the CPU, loaded once."""
        if self._judge is None:
            self._judge = load_judge("cpu")
        return self._judge

    def reference_features(self) -> torch.Tensor:
        """The judge's features of the 360 validation digits: the reference of every score
        and every choice in notebook 08."""
        return self._judge_features("validation", self.validation_images)

    def test_features(self) -> torch.Tensor:
        """The judge's features of the 359 test digits, for the one score reported at the end
        of notebook 08 (``test_frechet_distance``)."""
        return self._judge_features("test", self.test_images)

    def _training_features(self) -> torch.Tensor:
        return self._judge_features("training", self.images.reshape(-1, 1, 8, 8))

    def _judge_features(self, split: str, images: torch.Tensor) -> torch.Tensor:
        if split not in self._features:
            self._features[split] = judge_outputs(self.judge(), images)[1]
        return self._features[split]

    def _fakes(
        self, trainer: GanTrainer, n_samples: int, average: bool
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``n_samples`` fakes from the evaluation's own seed, and the classes asked for."""
        rng = torch.Generator().manual_seed(_EVALUATION_SEED)
        ideas = trainer.ideas(n_samples, rng)
        requested = torch.arange(n_samples) % N_CLASSES if self.conditional else None
        return trainer.paint(ideas, requested, average=average), requested

    def evaluate(
        self, trainer: GanTrainer, n_samples: int, average: bool = True
    ) -> dict[str, float]:
        """The judge's three scores of ``n_samples`` fakes against the validation digits; for
        a conditional task also the share the judge labels with the class that was asked for."""
        judge = self.judge()
        images, requested = self._fakes(trainer, n_samples, average)
        scores = judge_scores(judge, images, self.reference_features())
        if self.conditional:
            scores["requested_accuracy"] = requested_class_accuracy(judge, images, requested)
        return scores

    def test_frechet_distance(self, trainer: GanTrainer,
                              n_samples: int = FRECHET_SAMPLES) -> float:
        """The Fréchet distance of the same fakes as ``evaluate`` to the test digits: the
        number reported once, after every choice was made on the validation digits."""
        arguments.integer(n_samples, "n_samples", minimum=2)
        images, _ = self._fakes(trainer, n_samples, average=True)
        return frechet_distance(judge_outputs(self.judge(), images)[1], self.test_features())

    def copying_and_variety(self, trainer: GanTrainer) -> dict[str, float]:
        """Variety and copying of as many fakes as there are validation digits (360), drawn
        from the evaluation's ideas (notebook 08).

        ``precision`` and ``recall`` in the judge's features against the validation digits;
        ``nearest_pixel_ratio`` and ``nearest_feature_ratio``: the fakes' median distance to
        their nearest training digit over the validation digits' median distance to theirs,
        in pixels and in the judge's features. Below 1: closer to the training digits than
        held-out real digits are; 0 for a generator that copies them.
        """
        images, _ = self._fakes(trainer, len(self.validation_images), average=True)
        fakes = judge_outputs(self.judge(), images)[1]
        precision, recall = precision_recall(self.reference_features(), fakes)
        training = self.images.reshape(-1, 1, 8, 8)
        training_features = self._training_features()
        pixels = (nearest_distances(images, training).median()
                  / nearest_distances(self.validation_images, training).median())
        features = (nearest_distances(fakes, training_features).median()
                    / nearest_distances(self.reference_features(), training_features).median())
        return {"precision": precision, "recall": recall,
                "nearest_pixel_ratio": pixels.item(), "nearest_feature_ratio": features.item()}

    def within_class_recall(self, trainer: GanTrainer) -> tuple[torch.Tensor, torch.Tensor]:
        """Per digit 0-9, the recall of a conditional G asked for that digit and, beside it, of
        that digit's validation digits, each against the training digits of the digit in the
        judge's features, with as many fakes as there are validation digits of it (notebook
        08): how much of each digit's variety G covers, next to what real digits cover."""
        if not self.conditional:
            raise ValueError("within_class_recall needs a conditional task: "
                             "DigitTask(conditional=True)")
        rng = torch.Generator().manual_seed(_EVALUATION_SEED)
        training = self._training_features()
        generated, held_out = [], []
        for digit in range(N_CLASSES):
            real = self.reference_features()[self.validation_labels == digit]
            asked = torch.full((len(real),), digit)
            fakes = judge_outputs(self.judge(), trainer.paint(trainer.ideas(len(real), rng),
                                                              asked))[1]
            own = training[self.labels == digit]
            generated.append(precision_recall(own, fakes)[1])
            held_out.append(precision_recall(own, real)[1])
        return torch.tensor(generated), torch.tensor(held_out)
