"""The no-network guard works inside a notebook kernel.

test_binder.py and test_browser.py run every notebook under the guard; that
only proves the notebooks need no network if the guard really is active in the
kernel and really refuses outbound connections, which is what this file shows.
"""

import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from offline_execution import execute_offline

# TEST-NET-1 (RFC 5737): reserved for documentation, never routed. Without the
# guard, connecting to it times out or is unreachable, never with the guard's message.
OUTSIDE_ADDRESS = "192.0.2.1"

PROBE_CELLS = {
    "interpreter": "import sys\nprint(sys.executable)",
    "loopback": (
        "import socket\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "port = server.getsockname()[1]\n"
        "socket.create_connection(('127.0.0.1', port), timeout=5).close()\n"
        "with socket.socket() as client:\n"
        "    client.connect(('localhost', port))\n"
        "print('loopback ok')"
    ),
    "outbound": f"socket.create_connection(('{OUTSIDE_ADDRESS}', 80), timeout=5)",
    # A host name handed to connect() directly, so the guard sees the name itself.
    "outbound_by_name": "socket.socket().connect(('example.com', 80))",
}


@pytest.fixture(scope="module")
def probe_outputs(tmp_path_factory) -> dict[str, list]:
    """Outputs of each probe cell, run in a kernel the way the notebooks are run."""
    cells = []
    for name, source in PROBE_CELLS.items():
        cell = new_code_cell(source, metadata={"tags": ["raises-exception"]})
        cell.id = name
        cells.append(cell)
    directory = tmp_path_factory.mktemp("no_network_probe")
    notebook = directory / "probe.ipynb"
    nbformat.write(new_notebook(cells=cells), notebook)
    executed = nbformat.read(execute_offline(sys.executable, notebook, directory / "out"), 4)
    return {cell.id: cell.outputs for cell in executed.cells}


def error_of(outputs: list) -> tuple[str, str] | None:
    errors = [(o.ename, o.evalue) for o in outputs if o.output_type == "error"]
    return errors[0] if errors else None


def test_the_kernel_runs_the_requested_interpreter(probe_outputs):
    assert error_of(probe_outputs["interpreter"]) is None
    assert probe_outputs["interpreter"][0].text.strip() == sys.executable


def test_guard_allows_loopback(probe_outputs):
    assert error_of(probe_outputs["loopback"]) is None
    assert probe_outputs["loopback"][0].text == "loopback ok\n"


@pytest.mark.parametrize("cell", ["outbound", "outbound_by_name"])
def test_guard_refuses_outbound_connections(probe_outputs, cell):
    ename, evalue = error_of(probe_outputs[cell])
    assert "no-network guard (tests/no_network) refused a connection" in evalue, (ename, evalue)
