import warnings

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.patches import ArrowStyle
from matplotlib.text import Annotation

from helpers import draw_graph, trace_graph
from helpers.graph import MAX_DRAWN_NODES, _columns


def _seed_000_graph(retain: bool = False):
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    x = 2 * a + 3 * b
    y = 5 * a * a + 3 * b * b * b
    z = 2 * x + 3 * y
    if retain:
        x.retain_grad()
    z.backward()
    return {"a": a, "b": b, "x": x, "y": y, "z": z}


def _seed_002_graph():
    w = torch.tensor(2.0, requires_grad=True)
    x = torch.tensor(3.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    z = w * x + b
    return {"w": w, "x": x, "b": b, "z": z}


def _count(graph, kind):
    return len(graph.labels(kind))


def test_seed_002_graph_has_three_leaves_two_operations_and_the_root():
    tensors = _seed_002_graph()
    graph = trace_graph(tensors["z"], tensors)
    assert graph.labels("leaf") == ["w = 2", "x = 3", "b = 1"]
    assert graph.labels("operation") == ["AddBackward0", "MulBackward0"]
    assert graph.labels("tensor") == ["z = 7"]
    assert len(graph.edges) == 5  # w, x -> Mul; Mul, b -> Add; Add -> z
    labels = [node.label for node in graph.nodes]
    edges = {(labels[s], labels[t]) for s, t in graph.edges}
    assert ("w = 2", "MulBackward0") in edges
    assert ("b = 1", "AddBackward0") in edges
    assert ("AddBackward0", "z = 7") in edges


def test_seed_000_graph_counts_and_gradients_on_the_leaves():
    tensors = _seed_000_graph()
    graph = trace_graph(tensors["z"], {"a": tensors["a"], "b": tensors["b"]})
    assert graph.labels("leaf") == ["a = 2\ngrad = 64", "b = 1\ngrad = 33"]
    assert _count(graph, "operation") == 12  # 3 for x, 6 for y, 3 for z
    assert graph.labels("tensor") == ["output = 83"]
    # One edge per (input, operation) use, plus the last operation -> output.
    assert len(graph.edges) == 19


def test_named_intermediate_tensors_sit_between_their_operation_and_consumers():
    tensors = _seed_000_graph()
    plain = trace_graph(tensors["z"], {"a": tensors["a"], "b": tensors["b"]})
    named = trace_graph(tensors["z"], tensors)
    assert named.labels("tensor") == ["z = 83", "x = 7", "y = 23"]
    assert len(named.nodes) == len(plain.nodes) + 2
    assert len(named.edges) == len(plain.edges) + 2


def test_retained_non_leaf_shows_its_gradient_and_others_do_not_warn():
    tensors = _seed_000_graph(retain=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading y.grad (not retained) would warn
        graph = trace_graph(tensors["z"], tensors)
    assert "x = 7\ngrad = 2" in graph.labels("tensor")
    assert "y = 23" in graph.labels("tensor")


def test_shared_subexpression_is_one_node_and_a_repeated_input_two_edges():
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    shared = a * b
    out = shared + shared * shared
    graph = trace_graph(out, {"a": a, "b": b})
    assert graph.labels("operation").count("MulBackward0") == 2
    assert len(graph.nodes) == 6  # out, add, a*b, a, b, shared*shared
    leaf = {node.label: i for i, node in enumerate(graph.nodes) if node.kind == "leaf"}
    muls = [i for i, node in enumerate(graph.nodes) if node.label == "MulBackward0"]
    product = next(i for i in muls if (leaf["a = 2"], i) in graph.edges)
    square = next(i for i in muls if i != product)
    add = next(i for i, node in enumerate(graph.nodes) if node.label == "AddBackward0")
    assert graph.edges.count((product, square)) == 2
    assert graph.edges.count((product, add)) == 1
    assert graph.edges.count((leaf["b = 3"], product)) == 1


def test_leaf_that_requires_grad_is_a_one_node_graph():
    leaf = torch.tensor(1.5, requires_grad=True)
    graph = trace_graph(leaf, {"w": leaf})
    assert graph.labels("leaf") == ["w = 1.5"]
    assert graph.edges == ()


def test_inputs_without_requires_grad_are_not_in_the_graph():
    w = torch.tensor(2.0, requires_grad=True)
    z = w * torch.tensor(3.0) + 1.0
    assert trace_graph(z, {"w": w}).labels("leaf") == ["w = 2"]


def test_non_scalar_tensors_show_their_shape():
    x = torch.ones(3, 4, requires_grad=True)
    (x * x).sum().backward()
    assert trace_graph(x * 2, {"x": x}).labels("leaf") == ["x shape (3, 4)\ngrad shape (3, 4)"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.tensor(2.0),
        lambda: torch.tensor(2.0, requires_grad=True).detach() * 2,
    ],
)
def test_tensor_without_a_graph_is_a_value_error(make):
    with pytest.raises(ValueError, match="requires_grad=False and no grad_fn"):
        draw_graph(make())


def test_tensor_made_under_no_grad_is_a_value_error():
    w = torch.tensor(2.0, requires_grad=True)
    with torch.no_grad():
        z = w * 3
    with pytest.raises(ValueError, match="torch.no_grad"):
        trace_graph(z)


def test_bad_arguments_are_type_errors():
    z = _seed_002_graph()["z"]
    with pytest.raises(TypeError, match="torch.Tensor, got float"):
        draw_graph(3.0)
    with pytest.raises(TypeError, match="names must map str to torch.Tensor"):
        draw_graph(z, names={"w": 2.0})
    with pytest.raises(TypeError, match="title must be a str"):
        draw_graph(z, title=3)
    with pytest.raises(ValueError, match="kind must be one of"):
        trace_graph(z).labels("op")


def _node_texts(figure):
    return [t for t in figure.axes[0].texts if not isinstance(t, Annotation)]


def test_draw_graph_draws_every_node_and_one_arrow_per_edge():
    tensors = _seed_000_graph()
    open_figures = plt.get_fignums()
    figure = draw_graph(tensors["z"], tensors)
    graph = trace_graph(tensors["z"], tensors)
    assert isinstance(figure, Figure)
    assert sorted(t.get_text() for t in _node_texts(figure)) == sorted(
        node.label for node in graph.nodes
    )
    arrows = [
        t
        for t in figure.axes[0].texts
        if isinstance(t, Annotation)
        and isinstance(t.arrow_patch.get_arrowstyle(), ArrowStyle.CurveFilledB)
    ]
    assert len(arrows) == len(graph.edges)
    assert plt.get_fignums() == open_figures  # not registered with pyplot: no duplicate display


def test_layout_is_deterministic_with_leaves_left_and_the_root_right():
    tensors = _seed_000_graph()
    first = {t.get_text(): t.get_position() for t in _node_texts(draw_graph(tensors["z"], tensors))}
    second = {
        t.get_text(): t.get_position() for t in _node_texts(draw_graph(tensors["z"], tensors))
    }
    assert first == second
    columns = [x for x, _ in first.values()]
    assert first["a = 2\ngrad = 64"][0] == first["b = 1\ngrad = 33"][0] == min(columns)
    assert first["z = 83"][0] == max(columns)


def _chain(length):
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(length):
        y = y * 1.0001
    return x, y


def test_a_graph_thousands_of_operations_deep_is_traced_without_recursion():
    x, y = _chain(3000)  # deeper than Python's default recursion limit of 1000
    graph = trace_graph(y, {"x": x, "y": y})
    assert len(graph.labels("operation")) == 3000
    assert graph.labels("leaf") == ["x = 1"]
    assert graph.labels("tensor") == ["y = 1.35"]
    assert len(graph.edges) == 3001  # x -> first Mul, 2999 Mul -> Mul, last Mul -> y
    columns = _columns(graph)
    # The chain runs left to right: x in column 0, the k-th multiplication in column k.
    leaf = next(i for i, node in enumerate(graph.nodes) if node.kind == "leaf")
    assert columns[leaf] == 0
    assert sorted(columns) == list(range(3002))
    assert all(columns[target] == columns[source] + 1 for source, target in graph.edges)


def test_columns_are_the_longest_path_from_a_leaf():
    tensors = _seed_000_graph()
    graph = trace_graph(tensors["z"], {"a": tensors["a"], "b": tensors["b"]})
    columns = _columns(graph)
    labels = [node.label for node in graph.nodes]
    # The longest path: b, 3*b, *b, *b, + (y), 3*y, + (z), then the output tensor.
    assert columns[labels.index("output = 83")] == max(columns) == 7
    assert all(columns[target] > columns[source] for source, target in graph.edges)


def test_draw_graph_refuses_a_graph_too_big_to_read():
    x, y = _chain(MAX_DRAWN_NODES)
    open_figures = plt.get_fignums()
    too_many = f"has {MAX_DRAWN_NODES + 2} nodes; draw_graph draws up to {MAX_DRAWN_NODES}"
    with pytest.raises(ValueError, match=too_many):
        draw_graph(y, {"x": x})
    assert plt.get_fignums() == open_figures


def test_a_module_gets_told_to_draw_its_output():
    with pytest.raises(TypeError, match=r"got the module Linear: .*draw_graph\(model\(x\)\)"):
        draw_graph(torch.nn.Linear(2, 1))


def test_a_graph_built_by_hand_is_drawn_like_a_traced_one():
    """Notebook 03b draws its own engine's graph: nodes and edges given, no tensor."""
    from helpers.graph import LEAF, OPERATION, TENSOR, AutogradGraph, GraphNode

    graph = AutogradGraph((GraphNode(TENSOR, "z = 7"), GraphNode(OPERATION, "+"),
                           GraphNode(OPERATION, "*"), GraphNode(LEAF, "w = 2"),
                           GraphNode(LEAF, "x = 3"), GraphNode(LEAF, "b = 1")),
                          ((3, 2), (4, 2), (2, 1), (5, 1), (1, 0)))
    figure = draw_graph(graph, title="our engine")
    texts = [t.get_text() for t in figure.axes[0].texts if t.get_text()]
    assert sorted(texts) == sorted(node.label for node in graph.nodes)
    assert figure.axes[0].get_title() == "our engine"
    assert _columns(graph) == [3, 2, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="names=None"):
        draw_graph(graph, names={"w": torch.ones(1)})
    with pytest.raises(ValueError, match="no nodes"):
        draw_graph(AutogradGraph((), ()))


@pytest.mark.parametrize(("nodes", "edges", "message"), [
    (("not a node",), (), "GraphNodes"),
    ((("leaf", "x"),), (), "GraphNodes"),
    (None, ((0, 1),), "pairs of node indices below 1"),
    (None, ((0,),), "pairs of node indices"),
])
def test_a_malformed_graph_is_refused_with_what_was_expected(nodes, edges, message):
    from helpers.graph import LEAF, AutogradGraph, GraphNode

    with pytest.raises(ValueError, match=message):
        AutogradGraph(nodes or (GraphNode(LEAF, "x"),), edges)
