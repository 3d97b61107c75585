"""The autograd graph behind a tensor, traced and drawn (introduced in notebook 03).

``trace_graph`` walks ``grad_fn.next_functions`` from a tensor back to its
leaves and returns the nodes and edges it found; ``draw_graph`` lays them out in
columns (leaves on the left, the tensor on the right) and draws them with plain
matplotlib, so no Graphviz binary is needed. As in the seed notes (002),
operations are boxes and tensors are ellipses.
"""

from collections.abc import Generator, Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

LEAF, OPERATION, TENSOR = "leaf", "operation", "tensor"
MAX_DRAWN_NODES = 300

_STYLE = {
    LEAF: {"boxstyle": "ellipse,pad=0.3", "facecolor": "#d9f0d3", "edgecolor": "#1b7837"},
    OPERATION: {"boxstyle": "square,pad=0.4", "facecolor": "#e8e8f4", "edgecolor": "#4a4a8a"},
    TENSOR: {"boxstyle": "ellipse,pad=0.3", "facecolor": "#fee8c8", "edgecolor": "#b35806"},
}


@dataclass(frozen=True)
class GraphNode:
    """One node of a traced graph (notebook 03): its ``kind`` and its label."""

    kind: str
    label: str


@dataclass(frozen=True)
class AutogradGraph:
    """Nodes in discovery order (the tensor first) and forward edges ``(source, target)``.

    Introduced in notebook 03. An input used twice by one operation (``b * b``)
    gives two edges, because it receives two gradient contributions.
    """

    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        for node in self.nodes:
            if not isinstance(node, GraphNode) or node.kind not in _STYLE:
                raise ValueError(f"nodes must be GraphNodes of a kind in {sorted(_STYLE)}, "
                                 f"got {node!r}")
        for edge in self.edges:
            if (not isinstance(edge, tuple) or len(edge) != 2
                    or not all(isinstance(i, int) and 0 <= i < len(self.nodes) for i in edge)):
                raise ValueError(f"edges must be pairs of node indices below {len(self.nodes)}, "
                                 f"got {edge!r}")

    def labels(self, kind: str) -> list[str]:
        """The labels of the nodes of one kind, in discovery order."""
        if kind not in _STYLE:
            raise ValueError(f"kind must be one of {sorted(_STYLE)}, got {kind!r}")
        return [node.label for node in self.nodes if node.kind == kind]


def _number(tensor: torch.Tensor) -> str:
    if tensor.numel() == 1:
        return f"= {tensor.item():.4g}"
    return f"shape {tuple(tensor.shape)}"


def _tensor_label(name: str, tensor: torch.Tensor) -> str:
    lines = [f"{name} {_number(tensor.detach())}"]
    # Reading .grad of a non-leaf that does not retain it only warns and gives None.
    if (tensor.is_leaf or tensor.retains_grad) and tensor.grad is not None:
        lines.append(f"grad {_number(tensor.grad)}")
    return "\n".join(lines)


def _check_arguments(tensor: object, names: object) -> dict[str, torch.Tensor]:
    if isinstance(tensor, torch.nn.Module):
        raise TypeError(
            f"tensor must be a torch.Tensor, got the module {type(tensor).__name__}: "
            "draw what it computes, e.g. draw_graph(model(x))"
        )
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.grad_fn is None and not tensor.requires_grad:
        raise ValueError(
            "expected a tensor that autograd recorded (a grad_fn, or requires_grad=True), "
            "got one with requires_grad=False and no grad_fn: was it built from tensors "
            "without requires_grad=True, inside torch.no_grad(), or by detach()?"
        )
    if names is None:
        return {}
    if not isinstance(names, Mapping) or not all(
        isinstance(key, str) and isinstance(value, torch.Tensor) for key, value in names.items()
    ):
        raise TypeError(f"names must map str to torch.Tensor, got {names!r}")
    return dict(names)


def trace_graph(
    tensor: torch.Tensor, names: Mapping[str, torch.Tensor] | None = None
) -> AutogradGraph:
    """Walk the autograd graph that produced ``tensor`` (introduced in notebook 03).

    Each backward operation and each leaf tensor appears once, however often it
    is used. ``names`` labels tensors: leaves by name, and a named non-leaf
    tensor (``x = 2*a + 3*b``) becomes an ellipse after the operation that made
    it. Tensors that do not require grad are not part of the graph, so they are
    not drawn. The walk keeps its own stack, so a graph thousands of operations
    deep works. Raises ``ValueError`` for a tensor autograd did not record.
    """
    named = _check_arguments(tensor, names)

    def name_of(candidate: torch.Tensor, default: str) -> str:
        return next((key for key, value in named.items() if value is candidate), default)

    nodes: list[GraphNode] = []
    edges: list[tuple[int, int]] = []
    if tensor.grad_fn is None:  # a leaf that requires grad: a graph of one node
        return AutogradGraph((GraphNode(LEAF, _tensor_label(name_of(tensor, "leaf"), tensor)),), ())

    # Python ids are only unique while their objects live: hold every object keyed by id.
    keep_alive: list[object] = []
    outputs: dict[tuple[int, int], tuple[str, torch.Tensor]] = {}
    for key, value in [*named.items(), (name_of(tensor, "output"), tensor)]:
        if value.grad_fn is not None:
            keep_alive.append(value.grad_fn)
            outputs[(id(keep_alive[-1]), value.output_nr)] = (key, value)
    visited: dict[int, int] = {}
    tensor_nodes: dict[tuple[int, int], int] = {}

    def add(kind: str, label: str) -> int:
        nodes.append(GraphNode(kind, label))
        return len(nodes) - 1

    # output_of and visit call each other once per edge: written as generators that
    # yield the call they need and receive its result, run by _run_nested, so a graph
    # thousands of operations deep does not exhaust Python's recursion limit.
    def output_of(function: object, output_nr: int) -> Generator[object, int, int]:
        """The node a consumer's edge starts from: the named tensor if any, else the op."""
        key = (id(function), output_nr)
        if key not in outputs:
            return (yield visit(function))
        if key not in tensor_nodes:
            tensor_nodes[key] = add(TENSOR, _tensor_label(*outputs[key]))
            edges.append(((yield visit(function)), tensor_nodes[key]))
        return tensor_nodes[key]

    def visit(function: object) -> Generator[object, int, int]:
        leaf = getattr(function, "variable", None)  # AccumulateGrad stands for its leaf
        key = id(leaf) if leaf is not None else id(function)
        if key in visited:
            return visited[key]
        keep_alive.extend((function, leaf))
        if leaf is not None:
            visited[key] = add(LEAF, _tensor_label(name_of(leaf, "leaf"), leaf))
            return visited[key]
        visited[key] = add(OPERATION, function.name().rsplit("::", 1)[-1])
        for parent, output_nr in function.next_functions:
            if parent is not None:
                edges.append(((yield output_of(parent, output_nr)), visited[key]))
        return visited[key]

    _run_nested(output_of(tensor.grad_fn, tensor.output_nr))
    return AutogradGraph(tuple(nodes), tuple(edges))


def _run_nested(call: Generator[object, int, int]) -> int:
    """Run generators that yield sub-calls (generators) and receive their results.

    The explicit stack does what Python's call stack would do for the same
    functions written recursively, in the same order, without its depth limit.
    """
    stack, result = [call], None
    while stack:
        try:
            inner = stack[-1].send(result)
        except StopIteration as finished:
            stack.pop()
            result = finished.value
        else:
            stack.append(inner)
            result = None
    return result


def _columns(graph: AutogradGraph) -> list[int]:
    """Each node's column: the longest path to it from a leaf, so every edge points right."""
    inputs: list[list[int]] = [[] for _ in graph.nodes]
    consumers: list[list[int]] = [[] for _ in graph.nodes]
    for source, target in graph.edges:
        inputs[target].append(source)
        consumers[source].append(target)
    # Kahn's order: a node is placed once all its inputs are, so no recursion is needed.
    waiting = [len(sources) for sources in inputs]
    ready = [index for index, count in enumerate(waiting) if count == 0]
    column = [0] * len(graph.nodes)
    while ready:
        index = ready.pop()
        column[index] = 1 + max((column[i] for i in inputs[index]), default=-1)
        for target in consumers[index]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return column


def _layout(graph: AutogradGraph) -> tuple[dict[object, tuple[float, float]], list[list[object]]]:
    """Positions of the nodes and, for each edge, the chain of points it runs through.

    An edge that skips columns gets a waypoint in each column it crosses, and
    waypoints are placed like nodes, so long edges run between boxes instead of
    through them. Rows come from a few barycentre sweeps (each item moves to the
    mean row of its neighbours, which keeps crossings few); stable sorts keep ties
    in discovery order, so the same graph always gets the same picture.
    """
    column = _columns(graph)
    members: dict[int, list[object]] = {}
    feeds: dict[object, list[object]] = {}
    chains: list[list[object]] = []
    for number, (source, target) in enumerate(graph.edges):
        chain: list[object] = [source]
        chain += [("waypoint", number, c) for c in range(column[source] + 1, column[target])]
        chain.append(target)
        for before, after in zip(chain, chain[1:], strict=False):
            feeds.setdefault(before, []).append(after)
        chains.append(chain)
    items = list(range(len(graph.nodes))) + [p for chain in chains for p in chain[1:-1]]
    fed_by: dict[object, list[object]] = {}
    for before, afters in feeds.items():
        for after in afters:
            fed_by.setdefault(after, []).append(before)
    for item in items:
        members.setdefault(item[2] if isinstance(item, tuple) else column[item], []).append(item)
    position: dict[object, tuple[float, float]] = {}

    def place(current: int) -> None:
        size = len(members[current])
        for rank, item in enumerate(members[current]):
            position[item] = (float(current), (size - 1) / 2 - rank)

    def reorder(current: int, neighbours: dict[object, list[object]]) -> None:
        def mean_row(item: object) -> float:
            rows = [position[other][1] for other in neighbours.get(item, [])]
            return sum(rows) / len(rows) if rows else position[item][1]

        members[current].sort(key=mean_row, reverse=True)
        place(current)

    for current in members:
        place(current)
    last = max(members)
    for _sweep in range(4):  # barycentre sweeps, right to left then left to right
        for current in range(last - 1, -1, -1):
            reorder(current, feeds)
        for current in range(1, last + 1):
            reorder(current, fed_by)
    return position, chains


def draw_graph(
    tensor: torch.Tensor | AutogradGraph,
    names: Mapping[str, torch.Tensor] | None = None,
    title: str | None = None,
) -> Figure:
    """Draw the autograd graph behind ``tensor`` and return the figure (notebook 03).

    ``tensor`` may also be an ``AutogradGraph`` built by hand: notebook 03b draws
    the graph of its own engine this way, beside PyTorch's (``names`` is then not
    allowed, since the labels are the graph's own).

    Leaves (green) show their value and, after ``backward()``, their gradient;
    backward operations (boxes) are named as PyTorch names them
    (``MulBackward0``); named non-leaf tensors and the tensor itself are orange.
    Arrows point the way the forward pass computed; ``backward()`` walks them
    in reverse. See ``trace_graph`` for ``names`` and the errors raised; a graph of
    more than ``MAX_DRAWN_NODES`` nodes raises ``ValueError`` (``trace_graph`` still
    walks it, however deep).
    """
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {type(title).__name__}")
    if isinstance(tensor, AutogradGraph):
        if names is not None:
            raise ValueError("names label a traced tensor's graph; an AutogradGraph has its own "
                             "labels, so pass names=None")
        graph = tensor
    else:
        graph = trace_graph(tensor, names)
    if not graph.nodes:
        raise ValueError("the graph has no nodes: nothing to draw")
    if len(graph.nodes) > MAX_DRAWN_NODES:
        raise ValueError(
            f"this graph has {len(graph.nodes)} nodes; draw_graph draws up to "
            f"{MAX_DRAWN_NODES}, beyond which no label can be read. Draw a smaller part "
            "of the computation; trace_graph(tensor) lists every node and edge."
        )
    position, chains = _layout(graph)
    columns = 1 + max(x for x, _ in position.values())
    rows = max(sum(1 for x, _ in position.values() if x == c) for c in range(int(columns)))
    # Made by pyplot, which sets up Jupyter's display of figures, then closed at once: the
    # figure is a value, shown where the notebook displays it and not again at the cell's end.
    figure = plt.figure(figsize=(1.6 * columns + 0.4, 0.8 * rows + 1.0))
    plt.close(figure)
    axes = figure.subplots()
    boxes = [
        axes.text(
            *position[index],
            node.label,
            ha="center",
            va="center",
            fontsize=9,
            bbox=_STYLE[node.kind],
            zorder=3,
        )
        for index, node in enumerate(graph.nodes)
    ]
    repeats: dict[tuple[object, object], int] = {}
    for chain in chains:
        for before, after in zip(chain, chain[1:], strict=False):
            repeat = repeats[(before, after)] = repeats.get((before, after), -1) + 1
            axes.annotate(
                "",
                xy=position[after],
                xytext=position[before],
                arrowprops={
                    "arrowstyle": "-|>" if after == chain[-1] else "-",
                    "color": "#555555",
                    "shrinkA": 2 if before == chain[0] else 0,
                    "shrinkB": 2 if after == chain[-1] else 0,
                    "patchA": boxes[before].get_bbox_patch() if before == chain[0] else None,
                    "patchB": boxes[after].get_bbox_patch() if after == chain[-1] else None,
                    "connectionstyle": f"arc3,rad={0.3 * repeat}",
                },
            )
    axes.set_xlim(-0.6, columns - 0.4)
    axes.set_ylim(-rows / 2, rows / 2)
    axes.axis("off")
    axes.set_title(
        title or "autograd graph: ellipses are tensors, boxes are backward operations",
        fontsize=10,
    )
    figure.tight_layout()
    return figure
