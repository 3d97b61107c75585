"""Figures recorded across seeds and numeric paths (helpers/measured.py)."""

import json

import pytest

from helpers.measured import (
    Envelope,
    SeedRange,
    measured_across_seeds,
    print_measured,
    record_across_seeds,
)


def test_each_path_keeps_its_row_and_the_other_figures_stay(tmp_path):
    path = tmp_path / "measured.json"
    native = SeedRange("cnn.test_accuracy", (0, 1, 2, 3), (0.985, 0.99, 0.982, 0.988))
    portable = SeedRange("cnn.test_accuracy", (0, 1, 2, 3), (0.98, 0.99, 0.99, 0.97),
                         path="portable")
    other = SeedRange("mlp.test_accuracy", (0, 1), (0.97, 0.975), command="make bench")
    for record in (native, portable, other):
        record_across_seeds(record, path)
    envelope = measured_across_seeds("cnn.test_accuracy", path)
    assert envelope.by_path == {"native": native.values, "portable": portable.values}
    assert (envelope.low, envelope.high) == (0.97, 0.99)
    assert sorted(json.loads(path.read_text())) == ["cnn.test_accuracy", "mlp.test_accuracy"]
    record_across_seeds(SeedRange("cnn.test_accuracy", (0, 1, 2, 3), (0.5,) * 4), path)
    assert measured_across_seeds("cnn.test_accuracy", path).by_path["portable"] == portable.values


def test_a_record_over_other_seeds_replaces_every_path(tmp_path):
    path = tmp_path / "measured.json"
    record_across_seeds(SeedRange("x", (0, 1), (1.0, 2.0), path="portable"), path)
    record_across_seeds(SeedRange("x", (0,), (5.0,)), path)
    assert measured_across_seeds("x", path).by_path == {"native": (5.0,)}


def test_describe_gives_the_envelope_the_median_the_seeds_and_the_paths():
    accuracy = Envelope("acc", tuple(range(9)), {"native": (0.981, 0.99, 0.985, 0.987, 0.984,
                                                            0.986, 0.983, 0.992, 0.988)})
    assert accuracy.describe() == "0.981–0.992 (median 0.986) over seeds 0–8"
    assert accuracy.describe(digits=1, scale=100, unit=" %") == (
        "98.1–99.2 % (median 98.6 %) over seeds 0–8")
    two = Envelope("x", (0, 3), {"native": (1.0, 2.0), "avx2": (4.0, 3.0)})
    assert two.describe(1) == "1.0–4.0 (median 2.5) over seeds 0, 3 on 2 numeric paths"
    assert two.count(lambda value: value > 1.5) == (1, 2)


def test_a_fresh_draw_is_admitted_within_the_envelope_and_its_slack():
    envelope = Envelope("x", (0, 1), {"native": (10.0, 20.0)})
    assert envelope.admits(24.0) and envelope.admits(6.0)
    assert not envelope.admits(26.0) and not envelope.admits(float("nan"))
    assert envelope.admits(26.0, slack=0.5, absolute=1.0)
    assert not envelope.admits(20.5, slack=0.0)


def test_unknown_names_and_malformed_records_are_errors(tmp_path):
    with pytest.raises(ValueError, match="name must be a recorded figure: no figure 'nothing'"):
        measured_across_seeds("nothing", tmp_path / "absent.json")
    with pytest.raises(ValueError, match="one value per seed"):
        SeedRange("bad", (0, 1), (0.5,))
    with pytest.raises(ValueError, match="path must be"):
        SeedRange("bad", (0,), (0.5,), path="")
    with pytest.raises(ValueError, match="has 1 values for 2 seeds"):
        Envelope("bad", (0, 1), {"native": (0.5,)})
    with pytest.raises(TypeError, match="SeedRange"):
        record_across_seeds({"name": "x"}, tmp_path / "m.json")
    with pytest.raises(TypeError, match="str"):
        measured_across_seeds(3)


def test_print_measured_lines_up_one_envelope_per_label(tmp_path, capsys):
    path = tmp_path / "measured.json"
    record_across_seeds(SeedRange("a.share", (0, 1, 2), (0.5, 0.75, 0.625)), path)
    record_across_seeds(SeedRange("a.epochs", (0, 1, 2), (10.0, 14.0, 12.0)), path)
    print_measured({"share": ("a.share", 1, 100, " %"), "best epoch": ("a.epochs", 0)}, path)
    assert capsys.readouterr().out.splitlines() == [
        "share:      50.0–75.0 % (median 62.5 %) over seeds 0–2",
        "best epoch: 10–14 (median 12) over seeds 0–2",
    ]
    with pytest.raises(ValueError, match="must be \\(name, digits\\)"):
        print_measured({"share": ("a.share",)}, path)
    with pytest.raises(TypeError, match="non-empty dict"):
        print_measured({}, path)
