"""The user fixed the top-level layout and the Make interface; these tests pin both."""
import subprocess

from conftest import ROOT, run_cli
from kerasgan.commands import COMMANDS, INGEST_COMMANDS


def test_top_level_layout():
    for name in ("docker", "src", "data", "generated", "tests"):
        assert (ROOT / name).is_dir(), name
    for name in ("Makefile", "README.md", ".ci/run"):
        assert (ROOT / name).is_file(), name
    assert (ROOT / "src" / "kerasgan" / "__init__.py").is_file()


def make(*args):
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT)] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)


def test_make_help_is_default_and_lists_targets_and_variables():
    default = make()
    assert default.returncode == 0, default.stderr
    assert default.stdout == make("help").stdout
    listed = {line.split()[0] for line in default.stdout.splitlines()
              if line.startswith("  ") and line.strip()}
    for target in ("help", "setup", "test", "env-check", "lock", "clean"):
        assert target in listed, target
    for variable in ("DATA_DIR", "OUT_DIR", "SEED", "RUNNER", "PYTHON"):
        assert variable in listed, variable
    # every line has a description, not just a name
    for line in default.stdout.splitlines():
        if line.startswith("  ") and line.strip():
            assert len(line.split(None, 1)) == 2, line


def test_every_target_in_makefile_has_help_text():
    import re
    text = "".join(p.read_text() for p in [ROOT / "Makefile"])
    phony = set()
    for line in text.splitlines():
        if line.startswith(".PHONY:"):
            phony.update(line.split(":", 1)[1].split())
    helped = set(re.findall(r"^([A-Za-z0-9_.-]+):.*## ", text, flags=re.M))
    assert phony - helped == set(), "targets without ## help text"


def test_cli_lists_commands_and_each_legacy_command_has_help():
    top = run_cli("--help")
    for name in COMMANDS:
        assert name in top.stdout
    for name in COMMANDS:
        if name in INGEST_COMMANDS:
            continue
        result = run_cli(name, "--help")
        assert "usage: python -m kerasgan " + name in result.stdout


def test_unknown_command_is_refused():
    result = run_cli("no-such-stage", check=False)
    assert result.returncode == 2
    assert "unknown command" in result.stderr
