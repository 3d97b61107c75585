"""Tests for helpers.gan_plots: figures, the live view and the snapshot scrubber."""

import base64

import matplotlib
import pytest
import torch
from matplotlib.figure import Figure

import helpers.gan_plots as gan_plots
from helpers.gan_plots import (
    LiveView,
    SnapshotExplorer,
    plot_dashboard,
    plot_history,
    plot_paintings,
    plot_snapshots,
    snapshot_readout,
)
from helpers.gan_recipe import GanRecipe
from helpers.gan_trainer import GanTrainer
from helpers.paintings import PAINT_POINTS, artist_work

matplotlib.use("Agg")
PNG_SIGNATURE = b"\x89PNG"
SMALL = GanRecipe(lr_g=1e-3, lr_d=1e-3, batch_size=16, hidden=16)


@pytest.fixture(scope="module")
def trainer():
    trainer = GanTrainer(SMALL)
    trainer.train(60, snapshot_every=20)
    return trainer


def test_plot_paintings_draws_bounds_and_curves():
    figure = plot_paintings(artist_work(50), title="real", max_curves=10)
    ax = figure.axes[0]
    assert isinstance(figure, Figure)
    assert ax.get_title() == "real"
    assert len(ax.lines) == 2 + 10  # two bounds, one line per painting
    assert ax.lines[-1].get_color() == gan_plots.FAKE_COLOR
    artist = plot_paintings(artist_work(3), color=gan_plots.ARTIST_COLOR).axes[0]
    assert artist.lines[-1].get_color() == gan_plots.ARTIST_COLOR
    with pytest.raises(ValueError, match=r"paintings must have 2 dimensions, got shape \(15,\)"):
        plot_paintings(artist_work(3)[0])


def test_plot_snapshots_one_panel_per_step(trainer):
    figure = plot_snapshots(trainer.snapshots, [0, 40, 60])
    assert [ax.get_title() for ax in figure.axes] == ["step 0", "step 40", "step 60"]
    with pytest.raises(ValueError, match=r"snapshot steps \[0, 20, 40, 60\], got \[30\]"):
        plot_snapshots(trainer.snapshots, [30])
    with pytest.raises(TypeError, match=r"steps must be a list of snapshot steps \[0, 20, 40, "
                                        r"60\], got int 40"):
        plot_snapshots(trainer.snapshots, 40)
    with pytest.raises(TypeError, match=r"snapshots must be a dict step -> paintings"):
        plot_snapshots(60, [60])


def test_plot_history_and_dashboard(trainer):
    assert len(plot_history(trainer.history, window=10).axes) == 2
    assert len(plot_dashboard(trainer).axes) == 3
    with pytest.raises(ValueError, match="at least one step"):
        plot_history({"loss_d": []})
    with pytest.raises(TypeError, match="GanTrainer"):
        plot_dashboard(trainer.history)


def test_snapshot_readout_format():
    a = torch.tensor([1.2, 1.4, 1.6, 1.8], dtype=torch.float64)
    paintings = a[:, None] * (PAINT_POINTS.double() ** 2 + 1) - 1
    assert snapshot_readout(1500, paintings) == (
        "step 1500 | frac_between 1.00 | a_mean 1.50 | a_std 0.22 | a_ks 0.20"
    )


def test_snapshot_explorer_follows_the_slider(trainer):
    explorer = SnapshotExplorer(trainer.snapshots)
    assert explorer.slider.value == 60
    assert repr(explorer) == f"SnapshotExplorer({snapshot_readout(60, trainer.snapshots[60])})"
    first_picture = explorer.picture.value
    explorer.slider.value = 0
    assert explorer.readout.value == snapshot_readout(0, trainer.snapshots[0])
    assert bytes(explorer.picture.value).startswith(PNG_SIGNATURE)
    assert explorer.picture.value != first_picture
    assert "helpers-readout" in explorer.readout._dom_classes
    with pytest.raises(ValueError, match="non-empty dict"):
        SnapshotExplorer({})


@pytest.mark.parametrize("requested", [30, -60, float("nan"), "60", True, 10**9, None])
def test_snapshot_explorer_keeps_its_step_and_says_why_for_a_step_without_snapshot(trainer,
                                                                                   requested):
    explorer = SnapshotExplorer(trainer.snapshots)
    explorer.slider.value = requested
    assert explorer.slider.value == 60
    steps = ", ".join(str(step) for step in sorted(trainer.snapshots))
    assert explorer.readout.value == (
        f"{requested!r} is not one of the steps with a snapshot ({steps}), so it stays at 60. "
        + snapshot_readout(60, trainer.snapshots[60]))
    explorer.slider.value = 0
    assert explorer.readout.value == snapshot_readout(0, trainer.snapshots[0])


@pytest.mark.parametrize("index", [float("nan"), "1", None, 99, -1])
def test_snapshot_explorer_refuses_a_bad_index_in_its_readout(trainer, index):
    explorer = SnapshotExplorer(trainer.snapshots)
    explorer.slider.index = index
    assert explorer.slider.value == 60
    assert explorer.readout.value.startswith(f"index {index!r} is not one of the steps")


class RecordingHandle:
    def __init__(self):
        self.updates = []

    def update(self, bundle, raw):
        self.updates.append((bundle, raw))


def test_live_view_displays_then_updates_in_place(trainer, monkeypatch):
    shown = []
    handle = RecordingHandle()

    def fake_display(bundle, raw, display_id):
        shown.append((bundle, raw, display_id))
        return handle

    monkeypatch.setattr(gan_plots, "display", fake_display)
    view = LiveView(trainer, redraw_every=20, label="view")
    view.update(trainer)
    trainer.step_count += 1  # between redraws: nothing happens
    view.update(trainer)
    trainer.step_count -= 1
    view.update(trainer)
    (bundle, raw, display_id), = shown
    assert raw and display_id is True
    assert bundle["text/plain"] == "view"
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_SIGNATURE)
    assert len(handle.updates) == 2
    assert all(b["text/plain"] == "view" and raw for b, raw in handle.updates)
    with pytest.raises(ValueError, match="redraw_every must be a positive int"):
        LiveView(trainer, redraw_every=0)


def test_the_scrubber_and_the_live_view_draw_what_they_are_given(trainer, monkeypatch):
    seen = []

    def picture(step, samples):
        seen.append((step, samples.shape))
        return plot_paintings(samples[:2])

    explorer = SnapshotExplorer(trainer.snapshots, picture=picture,
                                readout=lambda step, samples: f"custom {step}")
    assert explorer.readout.value == "custom 60" and seen == [(60, trainer.snapshots[60].shape)]
    with pytest.raises(TypeError, match="readout must be a function, got str 'step'"):
        SnapshotExplorer(trainer.snapshots, readout="step")
    drawn = []
    monkeypatch.setattr(gan_plots, "display", lambda bundle, raw, display_id: RecordingHandle())
    LiveView(trainer, picture=lambda t: drawn.append(t.step_count) or plot_paintings(
        artist_work(2)))
    assert drawn == [trainer.step_count]
    with pytest.raises(TypeError, match="picture must be a function"):
        LiveView(trainer, picture="dashboard")
