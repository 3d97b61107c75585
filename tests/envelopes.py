"""The claims tests' check of a fresh measurement against the recorded envelope.

``helpers/data/measured_across_seeds.json`` records each figure for seeds 0-9 on several
numeric paths (``python -m benchmarks.numeric_paths --record``); the notebooks print the
envelope over seeds and paths. A fresh run on this machine's path is one more draw from
the same spread, so each of its values must fall inside the envelope widened by a share of
its width (``slack``) plus ``absolute`` (one test image, say). Medians are never compared:
the median of ten draws of an unstable run moves with the path.
"""

from helpers.measured import measured_across_seeds

SEEDS = tuple(range(10))
SLACK = 0.5


def outside_envelope(name: str, fresh: list[float], slack: float = SLACK,
                     absolute: float = 0.0) -> list[tuple[int, float]]:
    """The (seed, value) pairs of ``fresh`` (one value per seed 0-9) outside the envelope of
    the recorded figure ``name``; an empty list when every value is admitted."""
    envelope = measured_across_seeds(name)
    assert envelope.seeds == SEEDS, (name, envelope.seeds)
    assert len(fresh) == len(SEEDS), (name, fresh)
    return [(seed, value) for seed, value in zip(SEEDS, fresh, strict=True)
            if not envelope.admits(value, slack, absolute)]
