"""Issue 14: a notebook per tutorial (notebooks/*.ipynb) that runs top to bottom, and `make notebook`.

Every notebook found is executed headlessly (nbclient, kernel = this interpreter, i.e. .venv) with
KERASGAN_NB_TINY=1, which gives each `nb.param(...)` its tiny value, into a temporary DATA_DIR and
OUT_DIR. The notebook extras come from docker/requirements/notebook.txt (`make test` installs them).
"""
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT
from kerasgan import notebook as nb
from kerasgan.pipelines import PIPELINES

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHELL_ESCAPE = re.compile(r"^\s*(!|%%?(bash|sh|system)\b)", re.M)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(path):
    return [cell for cell in load(path)["cells"] if cell["cell_type"] == "code"]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_every_pipeline_room_has_a_notebook():
    rooms = {spec["package"].rsplit(".", 1)[1] for spec in PIPELINES.values()}
    missing = sorted(room for room in rooms if not (ROOT / "notebooks" / (room + ".ipynb")).is_file())
    assert not missing, "pipelines without notebooks/<room>.ipynb: %s" % ", ".join(missing)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    for i, cell in enumerate(code_cells(path)):
        assert cell.get("outputs") == [], "%s: cell %d has outputs (clear them before committing)" % (path.name, i)
        assert cell.get("execution_count") is None, "%s: cell %d has an execution count" % (path.name, i)
        assert "execution" not in cell.get("metadata", {}), "%s: cell %d has run timings" % (path.name, i)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_calls_into_the_package_with_tiny_settings(path):
    cells = [source(cell) for cell in code_cells(path)]
    text = "\n".join(cells)
    assert "from kerasgan import notebook as nb" in cells[0], "%s: the first code cell sets up nb" % path.name
    assert re.search(r"nb\.param\([^)]*tiny=", cells[0]), "%s: parameters need tiny values for the test" % path.name
    assert not SHELL_ESCAPE.search(text), "%s: a shell escape (!make ...) instead of a call" % path.name
    for loop in ("train_on_batch", "fit(", "K.function"):
        assert loop not in text, "%s: training code copied into the notebook (%s)" % (path.name, loop)
    assert "nb.run(" in text


def test_param_reads_the_environment_and_tiny(monkeypatch):
    monkeypatch.delenv(nb.TINY, raising=False)
    monkeypatch.delenv("KERASGAN_NB_EPOCHS", raising=False)
    assert nb.param("EPOCHS", 300, tiny=2) == 300
    monkeypatch.setenv(nb.TINY, "1")
    assert nb.param("EPOCHS", 300, tiny=2) == 2
    assert nb.param("KERNEL", 3) == 3
    monkeypatch.setenv("KERASGAN_NB_EPOCHS", "7")
    assert nb.param("EPOCHS", 300, tiny=2) == 7 and nb.param("EPOCHS", 0.5) == 7.0


def test_arguments_are_the_cli_flags():
    assert nb.arguments(["train"], {"save_every": 5, "nice": True, "path": None, "quiet": False}) == [
        "train", "--save-every", "5", "--nice"]


def test_run_fails_loudly_with_the_commands_own_message(dirs, capsys):
    with pytest.raises(nb.StageError, match="kerasgan train exited with status 2"):
        nb.run("train", run="nothing", epochs=1)   # no DATA_DIR/predicted/: the stage's own error
    assert "train: error:" in capsys.readouterr().err
    with pytest.raises(nb.StageError):
        nb.run("train", no_such_option=1)         # argparse's exit becomes a failed cell, not an exit


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    data, out = tmp_path / "data", tmp_path / "generated"
    env = dict(os.environ, KERASGAN_DATA_DIR=str(data), KERASGAN_OUT_DIR=str(out), PYTHONHASHSEED="0",
               KERASGAN_NB_TINY="1", TF_CPP_MIN_LOG_LEVEL="2", TMPDIR="/tmp",  # Chromium: short socket paths
               PYTHONPATH=str(ROOT / "src"))
    notebook = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=1800, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)   # raises CellExecutionError, naming the cell, on any error
    reports = sorted(out.rglob("report.html"))
    assert reports, "%s ran but wrote no report under OUT_DIR" % path.name
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def stop(server):
    """End the server we started (its own process group: make and Jupyter); return its output."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    try:
        return server.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        return server.communicate()[0]
    except ValueError:   # already collected (the failure message read it first)
        return ""


def test_make_notebook_answers_on_loopback_with_a_token(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed here (e.g. inside the test image)")
    if importlib.util.find_spec("notebook") is None:
        # `make test` installs the notebook lock first; the Docker test image has no notebook extras
        # and no network to fetch them, so `make notebook` could only fail there.
        pytest.skip("Jupyter (docker/requirements/notebook.txt) is not installed here (the Docker test image)")
    port, token = free_port(), "kerasgan-test-token"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(ROOT), "notebook", "NOTEBOOK_PORT=%d" % port,
         "NOTEBOOK_TOKEN=" + token, "DATA_DIR=%s" % (tmp_path / "data"), "OUT_DIR=%s" % (tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        start_new_session=True, env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime")))
    base = "http://127.0.0.1:%d" % port
    try:
        deadline, status = time.time() + 120, None
        while time.time() < deadline and server.poll() is None:
            try:
                status = get("%s/api/status?token=%s" % (base, token))
                break
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                time.sleep(0.5)
        assert status == 200, "no answer from make notebook (exit %s):\n%s" % (
            server.poll(), stop(server)[-3000:])
        assert get("%s/tree?token=%s" % (base, token)) == 200
        assert get("%s/api/contents" % base) == 403        # no token, no access
        contents = urllib.request.urlopen("%s/api/contents?token=%s" % (base, token), timeout=5)
        names = {item["name"] for item in json.loads(contents.read().decode())["content"]}
        assert {p.name for p in NOTEBOOKS} <= names
    finally:
        output = stop(server)
    assert "127.0.0.1:%d" % port in output
