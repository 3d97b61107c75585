"""The shipped digits file and the seeded, stratified split (helpers/digits.py)."""

import hashlib

import pytest
import torch

from helpers.digits import (
    DIGITS_PATH,
    DIGITS_SHA256,
    load_digits,
    split_digits,
    subset_per_class,
)

CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_shipped_file_is_sklearns_copy_byte_for_byte():
    data = DIGITS_PATH.read_bytes()
    assert len(data) == 57_523
    assert hashlib.sha256(data).hexdigest() == DIGITS_SHA256
    assert DIGITS_SHA256 in (DIGITS_PATH.parent / "DIGITS.md").read_text(encoding="utf-8")


def test_load_digits_shapes_scale_and_class_counts():
    images, labels = load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == torch.float32
    assert labels.shape == (1797,) and labels.dtype == torch.int64
    assert images.min() == 0 and images.max() == 1
    assert torch.equal(torch.unique(images * 16), torch.arange(17, dtype=torch.float32))
    assert torch.bincount(labels).tolist() == CLASS_COUNTS
    assert labels[:10].tolist() == list(range(10))  # the file starts 0, 1, ..., 9


def test_load_digits_returns_fresh_tensors():
    images, labels = load_digits()
    images.zero_()
    labels.fill_(3)
    again_images, again_labels = load_digits()
    assert again_images.max() == 1 and torch.bincount(again_labels).tolist() == CLASS_COUNTS


def test_split_sizes_are_60_20_20_and_the_parts_cover_everything_once():
    split = split_digits(0)
    sizes = [len(split.train_labels), len(split.val_labels), len(split.test_labels)]
    assert sizes == [1078, 360, 359]
    everything = torch.cat([split.train_index, split.val_index, split.test_index])
    assert torch.equal(everything.sort().values, torch.arange(1797))
    images, labels = load_digits()
    assert torch.equal(split.test_images, images[split.test_index])
    assert torch.equal(split.val_labels, labels[split.val_index])
    assert repr(split) == "DigitSplit(seed 0: train 1078, val 360, test 359)"


def test_split_is_stratified():
    split = split_digits(5)
    whole = torch.tensor(CLASS_COUNTS, dtype=torch.float64)
    for labels, fraction in ((split.train_labels, 0.6), (split.val_labels, 0.2),
                             (split.test_labels, 0.2)):
        counts = torch.bincount(labels, minlength=10).double()
        # each class is cut at the same fraction, so counts are within rounding of it
        assert (counts - fraction * whole).abs().max() <= 1.0


def test_split_parts_are_shuffled_not_sorted_by_class():
    split = split_digits(0)
    assert not torch.equal(split.train_labels, split.train_labels.sort().values)


def test_split_is_deterministic_per_seed_and_seeds_differ():
    first, again, other = split_digits(1), split_digits(1), split_digits(2)
    assert torch.equal(first.train_index, again.train_index)
    assert torch.equal(first.test_index, again.test_index)
    assert not torch.equal(first.test_index, other.test_index)


def test_split_ignores_the_global_random_state():
    torch.manual_seed(11)
    first = split_digits(4)
    torch.manual_seed(12)
    assert torch.equal(first.val_index, split_digits(4).val_index)


def test_split_defaults_to_the_session_seed(session_seed_3):
    assert split_digits().seed == 3
    assert torch.equal(split_digits().test_index, split_digits(3).test_index)


def test_split_rejects_bad_arguments():
    with pytest.raises(TypeError, match="seed must be an int, got str"):
        split_digits("0")
    with pytest.raises(ValueError, match="add up to 1"):
        split_digits(0, (0.6, 0.3, 0.2))
    with pytest.raises(ValueError, match="positive"):
        split_digits(0, (0.8, 0.2, 0.0))
    with pytest.raises(TypeError, match="three numbers"):
        split_digits(0, (0.5, 0.5))


def test_subset_per_class_takes_the_first_of_each_class():
    split = split_digits(0)
    images, labels = subset_per_class(*split.train, 10)
    assert images.shape == (100, 1, 8, 8)
    assert torch.bincount(labels).tolist() == [10] * 10
    first_zero = torch.nonzero(split.train_labels == 0).flatten()[0]
    assert torch.equal(images[0], split.train_images[first_zero])


def test_subset_per_class_rejects_bad_arguments():
    split = split_digits(0)
    with pytest.raises(ValueError, match="per_class must lie in 1..104"):
        subset_per_class(*split.train, 500)
    with pytest.raises(TypeError, match="per_class must be a positive int, got float 2.5"):
        subset_per_class(*split.train, 2.5)
    with pytest.raises(ValueError, match="images and labels must have as many rows, got 1078"):
        subset_per_class(split.train_images, split.val_labels, 2)
    with pytest.raises(ValueError, match=r"labels \(one class index per image\) must have 1 "
                                         r"dimension, got shape \(1078, 1\)"):
        subset_per_class(split.train_images, split.train_labels[:, None], 2)
