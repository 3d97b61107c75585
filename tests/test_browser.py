"""Every notebook runs in JupyterLab in a real browser, and its interactive tools respond.

nbval proves the kernel side. This test is what a learner does: open the
notebook in JupyterLab, Run All, look at the outputs and move the controls.
One JupyterLab server serves all notebooks; each notebook is opened once, in
headless Chromium driven by Playwright, with the no-network guard active in
its kernel.

Run only these tests with ``.venv/bin/pytest -m browser``. They need Debian's
``chromium`` package (``playwright install`` cannot download browsers on the
CI machines); outside CI they are skipped without it.
"""

import re
import shutil
import urllib.error
from collections.abc import Callable
from pathlib import Path

import pytest
from jupyterlab_session import FAILURE_ARTIFACTS, LabServer, running_jupyterlab
from offline_execution import REPO_ROOT
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))

# The whole notebook, on a busy 2-core CI machine (the GAN trains for a while).
RUN_ALL_TIMEOUT_MS = 20 * 60 * 1000
# Widget views render in the page after their cell has run.
WIDGET_RENDER_TIMEOUT_MS = 30 * 1000
# One change of a control: a round trip to the kernel plus a redraw or a short retraining.
TOOL_TIMEOUT_MS = 60 * 1000

# Run in the page: the open notebook's code cells, read from JupyterLab's own
# model (so cells outside the viewport count too) and from the rendered outputs.
CODE_CELLS_JS = """() => {
    const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = [];
    panel.content.widgets.forEach((cell, index) => {
        const model = cell.model;
        if (model.type !== 'code' || model.sharedModel.getSource().trim() === '') return;
        const outputs = [];
        for (let i = 0; i < cell.outputArea.model.length; i++) {
            const output = cell.outputArea.model.get(i).toJSON();
            const node = cell.outputArea.widgets[i].node;
            const view = node.querySelector('.jp-OutputArea-output .jupyter-widgets');
            outputs.push({
                type: output.output_type,
                ename: output.ename || null,
                evalue: output.evalue || null,
                widget: WIDGET_VIEW in (output.data || {}),
                // A rendered widget view is a .jupyter-widgets element inside the
                // output; a failed one is only text ("Error displaying widget...").
                widgetRendered: view !== null,
                text: node.textContent.slice(0, 300),
            });
        }
        cells.push({
            index,
            executionCount: model.executionCount,
            tags: model.getMetadata('tags') || [],
            outputs,
        });
    });
    return cells;
}"""

# JupyterLab's own Run All, not awaited: its promise settles at the first
# error, even in a raises-exception cell, while the following cells still run.
START_RUN_ALL_JS = """() => {
    window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""

# The run is over when the kernel is idle and every code cell has run, or when
# an error outside a raises-exception cell has stopped it (the assertions then
# report that error instead of waiting for cells that will never run).
RUN_ALL_OVER_JS = f"""() => {{
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
    if (kernel?.status !== 'idle') return false;
    const cells = ({CODE_CELLS_JS})();
    const stopped = cells.some(cell => !cell.tags.includes('raises-exception')
        && cell.outputs.some(output => output.type === 'error'));
    return stopped || cells.every(cell => cell.executionCount !== null);
}}"""

NOTEBOOK_READY_JS = """() => {
    const panel = window.jupyterapp?.shell?.currentWidget;
    return panel?.content?.model !== undefined
        && panel.sessionContext?.session?.kernel?.status === 'idle';
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> LabServer:
    """A JupyterLab server whose root is a copy of notebooks/, so nothing is saved over them."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    shutil.copytree(REPO_ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".*"))
    with running_jupyterlab(root, home) as server:
        yield server


@pytest.fixture
def page(browser, lab, request, tmp_path) -> Page:
    """A fresh browser page; on failure its screenshot and the server log are kept."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    def save_artifacts() -> str:
        screenshot = tmp_path / "screenshot.png"
        page.screenshot(path=screenshot)
        log = tmp_path / "jupyterlab.log"
        shutil.copy(lab.log_path, log)
        return (
            f"screenshot: {screenshot}\nJupyterLab log: {log}\n"
            f"last lines of the log:\n{lab.log_tail()}"
        )

    request.node.stash[FAILURE_ARTIFACTS] = save_artifacts
    yield page
    context.close()
    lab.shut_down_kernels()


def run_all(page: Page, lab: LabServer, notebook: Path) -> None:
    """Open ``notebook``, clear it, Run All, and wait until the run is over."""
    page.goto(lab.notebook_url(notebook.name))
    page.wait_for_function(NOTEBOOK_READY_JS, timeout=120_000, polling=500)
    # Clearing first drops the stored execution counts, so "every cell has one"
    # can only become true again by running.
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate(START_RUN_ALL_JS)
    page.wait_for_function(RUN_ALL_OVER_JS, timeout=RUN_ALL_TIMEOUT_MS, polling=1000)


def explorer(page: Page, control_label: str) -> Locator:
    """The interactive tool (a helpers.widgets.Explorer) with a control labelled so."""
    tool = page.locator(".widget-vbox").filter(has=page.locator(".helpers-readout"))
    label = page.locator(".widget-label", has_text=re.compile(f"^{re.escape(control_label)}$"))
    tool = tool.filter(has=label)
    expect(tool).to_have_count(1)
    tool.scroll_into_view_if_needed()
    return tool


def type_into(tool: Locator, label: str, text: str) -> None:
    """Replace a text box's content as a person does: click, select all, type, Enter."""
    field = tool.get_by_label(label)
    field.click()
    field.press("ControlOrMeta+a")
    field.press_sequentially(text)
    field.press("Enter")


def press_on_slider(tool: Locator, key: str, times: int = 1, label: str | None = None) -> None:
    """Focus the slider's handle and press ``key`` (ArrowLeft, ArrowRight, Home, End).

    ``label`` picks the slider of a tool that has several.
    """
    handle = tool.locator(".noUi-handle")
    if label is not None:
        slider = tool.locator(".widget-slider").filter(
            has=tool.page.locator(".widget-label", has_text=re.compile(f"^{re.escape(label)}$")))
        handle = slider.locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def drag_slider_to_the_right_end(tool: Locator) -> None:
    """Drag the slider's handle with the mouse past the end of its track."""
    handle = tool.locator(".noUi-handle").bounding_box()
    track = tool.locator(".noUi-target").bounding_box()
    mouse = tool.page.mouse
    mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    mouse.down()
    mouse.move(track["x"] + track["width"] + 50, handle["y"] + handle["height"] / 2, steps=10)
    mouse.up()


def check_broadcasting_explorer(page: Page) -> None:
    tool = explorer(page, "shape A")
    readout = tool.locator(".helpers-readout")
    expect(readout).to_have_text("(1, 2) and (3, 1) broadcast to (3, 2)")
    type_into(tool, "shape B", "4, 1, 1")
    expect(readout).to_have_text(
        "(1, 2) and (4, 1, 1) broadcast to (4, 1, 2)", timeout=TOOL_TIMEOUT_MS
    )
    type_into(tool, "shape A", "2, 3")
    type_into(tool, "shape B", "3, 2")
    expect(readout).to_have_text(
        "cannot broadcast: at dim -1 the sizes are 3 and 2, and neither is 1",
        timeout=TOOL_TIMEOUT_MS,
    )


def check_tangent_slider(page: Page) -> None:
    tool = explorer(page, "x")
    readout = tool.locator(".helpers-readout")
    # The notebook's last cell before this point set the slider to 1.5 in code.
    expect(readout).to_have_text("x = 1.50 | y = -0.25 | dy/dx = 0.00")
    # y = (x - 1)(x - 2), dy/dx = 2x - 3; ten steps of 0.05 to the right is x = 2.
    press_on_slider(tool, "ArrowRight", times=10)
    expect(readout).to_have_text("x = 2.00 | y = 0.00 | dy/dx = 1.00", timeout=TOOL_TIMEOUT_MS)
    drag_slider_to_the_right_end(tool)
    expect(readout).to_have_text("x = 5.00 | y = 12.00 | dy/dx = 7.00", timeout=TOOL_TIMEOUT_MS)


def check_learning_rate_control(page: Page) -> None:
    tool = explorer(page, "learning rate")
    readout = tool.locator(".helpers-readout")
    expect(readout).to_contain_text("learning rate 1.0e-06: learning")
    # One step is a quarter of a decade: two steps right is 10^-5.5, past the edge.
    press_on_slider(tool, "ArrowRight", times=2)
    expect(readout).to_contain_text("learning rate 3.2e-06: diverged", timeout=TOOL_TIMEOUT_MS)
    press_on_slider(tool, "Home")
    expect(readout).to_contain_text("learning rate 1.0e-09: too slow", timeout=TOOL_TIMEOUT_MS)


def check_training_size_explorer(page: Page) -> None:
    tool = explorer(page, "training images")
    readout = tool.locator(".helpers-readout")
    accuracies = r": training accuracy [\d.]+%, validation [\d.]+%, gap -?[\d.]+ points$"
    expect(readout).to_have_text(re.compile(r"^50 images \(5 per class\)" + accuracies))
    press_on_slider(tool, "ArrowRight")
    expect(readout).to_have_text(re.compile(r"^100 images \(10 per class\)" + accuracies),
                                 timeout=TOOL_TIMEOUT_MS)
    press_on_slider(tool, "End")
    expect(readout).to_have_text(
        re.compile(r"^1078 images \(the whole training set\)" + accuracies),
        timeout=TOOL_TIMEOUT_MS)


def check_gan_snapshot_scrubber(page: Page) -> None:
    tool = explorer(page, "step")
    readout = tool.locator(".helpers-readout")
    quality = r" \| frac_between [\d.]+ \| a_mean -?[\d.]+ \| a_std [\d.]+ \| a_ks [\d.]+$"
    # Snapshots every 250 of 2000 steps; the scrubber opens on the last one.
    expect(readout).to_have_text(re.compile("^step 2000" + quality))
    press_on_slider(tool, "ArrowLeft")
    expect(readout).to_have_text(re.compile("^step 1750" + quality), timeout=TOOL_TIMEOUT_MS)
    press_on_slider(tool, "Home")
    expect(readout).to_have_text(re.compile("^step 0" + quality), timeout=TOOL_TIMEOUT_MS)


def check_digit_tools(page: Page) -> None:
    tool = explorer(page, "step")
    readout = tool.locator(".helpers-readout")
    scores = r" \| confident [\d.]+ \| class entropy [\d.]+ \| Fréchet distance [\d.]+$"
    expect(readout).to_have_text(re.compile("^step 2000" + scores))
    press_on_slider(tool, "ArrowLeft")
    expect(readout).to_have_text(re.compile("^step 1750" + scores), timeout=TOOL_TIMEOUT_MS)

    picker = explorer(page, "walk")
    readout = picker.locator(".helpers-readout")
    verdict = r": the judge reads \d \(p = [\d.]+\)$"
    expect(readout).to_have_text(re.compile(r"^asked for 3, path 0, t = 0\.00" + verdict))
    picker.get_by_role("button", name="7", exact=True).click()
    expect(readout).to_have_text(re.compile(r"^asked for 7, path 0, t = 0\.00" + verdict),
                                 timeout=TOOL_TIMEOUT_MS)
    press_on_slider(picker, "ArrowRight", times=2, label="walk")
    expect(readout).to_have_text(re.compile(r"^asked for 7, path 0, t = 0\.10" + verdict),
                                 timeout=TOOL_TIMEOUT_MS)
    press_on_slider(picker, "ArrowRight", label="path")
    expect(readout).to_have_text(re.compile(r"^asked for 7, path 1, t = 0\.10" + verdict),
                                 timeout=TOOL_TIMEOUT_MS)


# Notebook stem -> the check that works its interactive tool like a learner.
TOOL_CHECKS: dict[str, Callable[[Page], None]] = {
    "01_tensors": check_broadcasting_explorer,
    "02_autograd": check_tangent_slider,
    "04_two_layer_net": check_learning_rate_control,
    "06_classifier": check_training_size_explorer,
    "07_gan": check_gan_snapshot_scrubber,
    "08_digit_gan": check_digit_tools,
}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_all_in_jupyterlab(page, lab, notebook):
    run_all(page, lab, notebook)
    # A view still loading when its wait ends is a widget that never rendered.
    still_loading = page.locator(".jp-OutputArea-output", has_text="Loading widget...")
    expect(still_loading).to_have_count(0, timeout=WIDGET_RENDER_TIMEOUT_MS)
    code_cells = page.evaluate(CODE_CELLS_JS)

    unexpected_errors = [
        (cell["index"], output["ename"], output["evalue"])
        for cell in code_cells
        if "raises-exception" not in cell["tags"]
        for output in cell["outputs"]
        if output["type"] == "error"
    ]
    assert unexpected_errors == []

    counts = [cell["executionCount"] for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), "each code cell runs once, in order"

    widget_outputs = [
        (cell["index"], output) for cell in code_cells for output in cell["outputs"]
        if output["widget"]
    ]
    not_rendered = [
        (index, output["text"]) for index, output in widget_outputs
        if not output["widgetRendered"]
        or "Error displaying widget" in output["text"]
        or "model not found" in output["text"]
    ]
    assert not_rendered == []

    check_tool = TOOL_CHECKS.get(notebook.stem)
    has_tool = page.locator(".helpers-readout").count() > 0
    assert has_tool == (check_tool is not None), (
        "every notebook with an interactive tool (a .helpers-readout) has a check in TOOL_CHECKS"
    )
    if check_tool is not None:
        check_tool(page)


def test_jupyterlab_is_stopped_even_when_the_test_using_it_fails(tmp_path):
    with pytest.raises(RuntimeError, match="the test failed"):
        with running_jupyterlab(tmp_path, tmp_path / "home") as server:
            assert server.api("GET", "status")["started"]
            raise RuntimeError("the test failed")
    with pytest.raises(urllib.error.URLError):
        server.api("GET", "status")
