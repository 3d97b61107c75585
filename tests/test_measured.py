"""Figures recorded across seeds (helpers/measured.py)."""

import json

import pytest

from helpers.measured import SeedRange, measured_across_seeds, record_across_seeds


def test_a_record_round_trips_and_keeps_the_other_figures(tmp_path):
    path = tmp_path / "measured.json"
    first = SeedRange("cnn.test_accuracy", (0, 1, 2, 3), (0.985, 0.99, 0.982, 0.988))
    other = SeedRange("mlp.test_accuracy", (0, 1), (0.97, 0.975), command="make bench")
    record_across_seeds(first, path)
    record_across_seeds(other, path)
    assert measured_across_seeds("cnn.test_accuracy", path) == first
    assert sorted(json.loads(path.read_text())) == ["cnn.test_accuracy", "mlp.test_accuracy"]
    replaced = SeedRange("cnn.test_accuracy", (0,), (0.5,))
    record_across_seeds(replaced, path)
    assert measured_across_seeds("cnn.test_accuracy", path) == replaced


def test_describe_gives_the_range_the_median_and_the_seeds():
    accuracy = SeedRange("acc", tuple(range(9)), (0.981, 0.99, 0.985, 0.987, 0.984, 0.986,
                                                   0.983, 0.992, 0.988))
    assert accuracy.describe() == "0.981–0.992 (median 0.986) over seeds 0–8"
    assert accuracy.describe(digits=1, scale=100, unit=" %") == (
        "98.1–99.2 % (median 98.6 %) over seeds 0–8")
    assert SeedRange("x", (0, 3), (1.0, 2.0)).seeds_text() == "seeds 0, 3"


def test_unknown_names_and_malformed_records_are_errors(tmp_path):
    with pytest.raises(KeyError, match="no figure 'nothing'"):
        measured_across_seeds("nothing", tmp_path / "absent.json")
    with pytest.raises(ValueError, match="one value per seed"):
        SeedRange("bad", (0, 1), (0.5,))
    with pytest.raises(TypeError, match="SeedRange"):
        record_across_seeds({"name": "x"}, tmp_path / "m.json")
    with pytest.raises(TypeError, match="str"):
        measured_across_seeds(3)
