import math

import pytest
import torch
from torch import nn

from helpers.training import fit, seed_problem, train_by_hand, two_layer_gradients


def test_seed_problem_has_the_seed_shapes_and_is_reproducible():
    x, y, w1, w2 = seed_problem()
    assert [tuple(t.shape) for t in (x, y, w1, w2)] == [
        (100, 1000),
        (100, 10),
        (1000, 100),
        (100, 10),
    ]
    assert torch.equal(x, seed_problem()[0])
    assert not torch.equal(x, seed_problem(seed=1)[0])


def test_seed_problem_defaults_to_the_session_seed(session_seed_3):
    drawn = seed_problem(4, 3, 2, 1)
    assert all(torch.equal(a, b) for a, b in zip(drawn, seed_problem(4, 3, 2, 1, seed=3),
                                                   strict=True))
    assert not torch.equal(drawn[0], seed_problem(4, 3, 2, 1, seed=0)[0])


def test_seed_problem_ignores_the_global_random_state():
    torch.manual_seed(123)
    first = seed_problem(4, 3, 2, 1)
    torch.manual_seed(456)
    assert all(torch.equal(a, b) for a, b in zip(first, seed_problem(4, 3, 2, 1), strict=True))


def test_seed_problem_rejects_bad_sizes():
    with pytest.raises(ValueError, match="batch_n must be a positive int, got 0"):
        seed_problem(batch_n=0)
    with pytest.raises(TypeError, match="hidden_layer must be a positive int, got float"):
        seed_problem(hidden_layer=10.0)
    with pytest.raises(TypeError, match="seed must be an int, got str"):
        seed_problem(seed="0")
    with pytest.raises(ValueError, match="seed must be at least 0, got -1"):
        seed_problem(seed=-1)


def test_two_layer_gradients_match_autograd():
    x, y, w1, w2 = (t.double() for t in seed_problem(5, 4, 3, 2))
    loss, grad_w1, grad_w2 = two_layer_gradients(x, y, w1, w2)
    w1.requires_grad_()
    w2.requires_grad_()
    expected = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
    expected.backward()
    assert loss == pytest.approx(expected.item())
    assert torch.allclose(grad_w1, w1.grad)
    assert torch.allclose(grad_w2, w2.grad)


def test_two_layer_gradients_say_which_shapes_do_not_chain():
    x, y, w1, w2 = seed_problem(5, 4, 3, 2)
    with pytest.raises(ValueError, match=r"w1 \(3, 4\)"):
        two_layer_gradients(x, y, w1.t(), w2)
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got list"):
        two_layer_gradients([1.0], y, w1, w2)


def test_train_by_hand_lowers_the_loss_and_leaves_the_weights_alone():
    x, y, w1, w2 = seed_problem()
    before = w1.clone()
    losses = train_by_hand(x, y, w1, w2, 1e-7, 30)
    assert len(losses) == 30
    assert losses[-1] < losses[0] / 2
    assert torch.equal(w1, before)


def test_train_by_hand_stops_when_the_loss_overflows():
    losses = train_by_hand(*seed_problem(), 1e-5, 200)
    assert len(losses) < 200
    assert not math.isfinite(losses[-1])
    assert all(math.isfinite(loss) for loss in losses[:-1])


def test_train_by_hand_rejects_bad_rates_and_epochs():
    problem = seed_problem(5, 4, 3, 2)
    with pytest.raises(ValueError, match="learning_rate must be above 0, got -0.1"):
        train_by_hand(*problem, -0.1, 3)
    with pytest.raises(TypeError, match="learning_rate must be a number, got str"):
        train_by_hand(*problem, "1e-6", 3)
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        train_by_hand(*problem, 0.1, 0)


def _model_and_data():
    torch.manual_seed(0)
    x, y, _, _ = seed_problem(20, 4, 3, 2, seed=0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)), x, y


def test_fit_full_batch_equals_the_written_out_loop():
    model, x, y = _model_and_data()
    twin = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    twin.load_state_dict(model.state_dict())
    losses = fit(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), [(x, y)], 5)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.1)
    expected = []
    for _ in range(5):
        loss = nn.functional.mse_loss(twin(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        expected.append(loss.item())
    assert losses == pytest.approx(expected)
    assert losses[-1] < losses[0]


def test_fit_weights_each_batch_loss_by_its_number_of_samples():
    model, x, y = _model_and_data()
    # 20 samples in batches of 15 and 5: with the weights frozen (lr 0), the epoch's loss must
    # be the mean over all 20 samples; the plain mean of the two batch losses would give the
    # 5 samples of the short batch three times their share.
    batches = [(x[:15], y[:15]), (x[15:], y[15:])]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    losses = fit(model, nn.MSELoss(), optimizer, batches, 1)
    with torch.no_grad():
        over_all_samples = nn.functional.mse_loss(model(x), y).item()
        mean_of_batches = sum(nn.functional.mse_loss(model(b), t).item() for b, t in batches) / 2
    assert losses == pytest.approx([over_all_samples])
    assert abs(mean_of_batches - over_all_samples) > 1e-3


def test_fit_rejects_bad_arguments():
    model, x, y = _model_and_data()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got function"):
        fit(lambda t: t, nn.MSELoss(), optimizer, [(x, y)], 1)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer, got float"):
        fit(model, nn.MSELoss(), 0.1, [(x, y)], 1)
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        fit(model, nn.MSELoss(), optimizer, [(x, y)], 0)
    with pytest.raises(ValueError, match="batches yielded no"):
        fit(model, nn.MSELoss(), optimizer, [], 1)
    with pytest.raises(ValueError, match="batches yielded no"):
        fit(model, nn.MSELoss(), optimizer, [(x[:0], y[:0])], 1)
