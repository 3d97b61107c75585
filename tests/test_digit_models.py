"""The digit classifiers and their seeded initial weights (helpers/digit_models.py)."""


import pytest
import torch

from helpers.digit_models import DigitCNN, DigitMLP, new_classifier


def test_models_give_ten_logits_and_their_features():
    images = torch.rand(5, 1, 8, 8)
    cnn, mlp = DigitCNN(), DigitMLP(hidden=32)
    assert cnn(images).shape == (5, 10) and cnn.features(images).shape == (5, 64)
    assert mlp(images).shape == (5, 10) and mlp.features(images).shape == (5, 32)
    assert (cnn.features(images) >= 0).all()  # after the ReLU


def test_parameter_counts_match_the_layer_sizes():
    count = sum(p.numel() for p in DigitCNN().parameters())
    assert count == (16 * 1 * 9 + 16) + (32 * 16 * 9 + 32) + (512 * 64 + 64) + (64 * 10 + 10)
    assert sum(p.numel() for p in DigitMLP().parameters()) == 64 * 128 + 128 + 128 * 10 + 10


def test_cnn_dropout_acts_in_train_mode_only():
    images = torch.rand(8, 1, 8, 8)
    cnn = DigitCNN()
    cnn.train()
    assert not torch.equal(cnn(images), cnn(images))
    cnn.eval()
    assert torch.equal(cnn(images), cnn(images))
    assert torch.equal(cnn(images), cnn.output(cnn.features(images)))


def test_model_arguments_are_checked():
    with pytest.raises(ValueError, match="hidden must be a positive int, got 0"):
        DigitMLP(hidden=0)
    with pytest.raises(ValueError, match=r"dropout must lie in \[0, 1\), got 1"):
        DigitCNN(dropout=1)
    with pytest.raises(TypeError, match="dropout must be a number"):
        DigitCNN(dropout="0.5")


def test_new_classifier_is_seeded_and_ignores_the_global_state(same_weights):
    torch.manual_seed(1)
    first = new_classifier("cnn", seed=4, device="cpu")
    torch.manual_seed(2)
    assert same_weights(first, new_classifier("cnn", seed=4, device="cpu"))
    assert not same_weights(first, new_classifier("cnn", seed=5, device="cpu"))
    state = torch.random.get_rng_state()
    new_classifier("mlp", seed=4, device="cpu")
    assert torch.equal(state, torch.random.get_rng_state())  # the global stream is untouched


def test_new_classifier_defaults_to_the_session_seed(session_seed_3, same_weights):
    assert same_weights(new_classifier("mlp", device="cpu"),
                         new_classifier("mlp", seed=3, device="cpu"))


def test_new_classifier_passes_options_and_checks_the_kind():
    wide = new_classifier("mlp", seed=0, device="cpu", hidden=512)
    assert isinstance(wide, DigitMLP) and wide.hidden.out_features == 512
    assert new_classifier("cnn", seed=0, device="cpu", dropout=0.5).dropout.p == 0.5
    with pytest.raises(ValueError, match=r"kind must be one of \('mlp', 'cnn'\), got 'rnn'"):
        new_classifier("rnn")
    with pytest.raises(TypeError, match="device must be None, a torch.device or a name"):
        new_classifier("cnn", device=0)
