"""What the tutorial notebooks (notebooks/*.ipynb; docs/notebooks.md) call: a stage as its make target runs it.

    from kerasgan import notebook as nb
    EPOCHS = nb.param("EPOCHS", 200, tiny=2)      # KERASGAN_NB_EPOCHS overrides; KERASGAN_NB_TINY=1 -> 2
    nb.run("train", run="demo", epochs=EPOCHS)   # = python -m kerasgan train --run demo --epochs 200
    nb.show(nb.out_dir() / "pikachu" / "demo" / "best.png")

`run` parses the options with the command's own parser and calls its main(args), in the kernel for
the legacy commands; the commands that decode untrusted web content (download, reshape,
pix2pix-square) run in .venv-ingest as a subprocess, as the Makefile runs them (docs/security.md#two-environments).
A stage that fails raises StageError, so a notebook stops at the failing cell.

`make notebook` starts Jupyter with DATA_DIR, OUT_DIR and SEED exported as for every make target,
so a notebook writes the same files in the same folders as the make targets.
"""
import os
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

from .. import paths
from ..commands import COMMANDS, INGEST_COMMANDS

ROOT = Path(__file__).resolve().parents[3]
INGEST_PYTHON = "KERASGAN_INGEST_PYTHON"   # set by `make notebook` (the Makefile's INGEST_VENV)
PARAM_PREFIX = "KERASGAN_NB_"
TINY = PARAM_PREFIX + "TINY"               # 1: every param takes its tiny value (the tests)


class StageError(RuntimeError):
    """A stage exited non-zero (its own message was printed above)."""


def param(name, default, tiny=None):
    """A notebook setting: KERASGAN_NB_<NAME> if set, else the tiny value under KERASGAN_NB_TINY=1,
    else the default. Converted to the default's type."""
    text = os.environ.get(PARAM_PREFIX + name)
    if text is None:
        return tiny if tiny is not None and os.environ.get(TINY) == "1" else default
    if isinstance(default, bool):
        return text.strip().lower() in ("1", "true", "yes")
    return type(default)(text)


def data_dir():
    return paths.data_dir().resolve()


def out_dir():
    return paths.out_dir().resolve()


def arguments(positional, options):
    """CLI arguments: positional words, then --name value per option (True: a bare flag;
    False or None: left out, the command's default applies)."""
    argv = [str(word) for word in positional]
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        argv += [flag] if value is True else [flag, str(value)]
    return argv


def ingest_python():
    return Path(os.environ.get(INGEST_PYTHON) or ROOT / ".venv-ingest" / "bin" / "python")


def run(command, *positional, env=None, **options):
    """Run `python -m kerasgan COMMAND ...` as the make target does; raise StageError on failure.

    env: extra environment variables for an ingest command's subprocess (the demo search's CA)."""
    if command not in COMMANDS:
        raise ValueError("unknown command %r (see kerasgan.commands.COMMANDS)" % command)
    argv = arguments(positional, options)
    print("$ python -m kerasgan %s %s" % (command, " ".join(argv)), flush=True)
    if command in INGEST_COMMANDS:
        status = _run_in_ingest_env(command, argv, env)
    else:
        status = _run_here(command, argv)
    if status:
        raise StageError("kerasgan %s exited with status %s" % (command, status))


def _run_here(command, argv):
    from ..__main__ import run_command
    if os.environ.get("PYTHONHASHSEED") is None:
        print("note: PYTHONHASHSEED is not set in this kernel; start Jupyter with `make notebook` "
              "for the same bytes as the make targets", file=sys.stderr)
    try:
        return run_command(command, argv)
    except SystemExit as stop:   # argparse's usage errors; a notebook cell must fail, not end the kernel
        return stop.code if stop.code is not None else 0


def _run_in_ingest_env(command, argv, env):
    """Its output is printed line by line, so it shows in the cell (a child's own stdout would go
    to the terminal that started Jupyter)."""
    python = ingest_python()
    if not python.is_file():
        raise StageError("%s is missing: run `make setup` (it creates .venv-ingest, where %s runs)"
                         % (python, command))
    child_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **(env or {}))
    child = subprocess.Popen([str(python), "-m", "kerasgan", command] + argv, env=child_env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True, bufsize=1)
    for line in child.stdout:
        print(line, end="", flush=True)
    return child.wait()


def show(*files, width=None):
    """Display images (PNG, JPEG, GIF) in the notebook; a missing file is named, not fatal."""
    from IPython.display import Image, display
    for path in files:
        path = Path(path)
        if path.is_file():
            print(path)
            display(Image(filename=str(path), width=width))
        else:
            print("(not there: %s)" % path)


def label_counts(text, target, other):
    """'30,50,12,20' -> {trains: {target: 30, other: 50}, valids: {target: 12, other: 20}}."""
    a, b, c, d = (int(n) for n in text.split(","))
    return OrderedDict([("trains", OrderedDict([(target, a), (other, b)])),
                        ("valids", OrderedDict([(target, c), (other, d)]))])


def seed():
    """The run's SEED: `make notebook SEED=n` exports it as PYTHONHASHSEED, as every target does."""
    return int(os.environ.get("PYTHONHASHSEED") or 0)


def demo_subset(spec):
    """'smiley:20,others:20' -> the first 20 codepoints of each class in the demo's labels file
    (a small corpus for a quick run); '' -> None (the whole corpus)."""
    if not spec:
        return None
    from ..demo.label import read_labels
    wanted = {cls: int(n) for cls, n in (part.split(":") for part in spec.split(","))}
    chosen = set()
    for codepoint, cls in read_labels().items():
        if wanted.get(cls, 0) > 0:
            wanted[cls] -= 1
            chosen.add(codepoint)
    return chosen
