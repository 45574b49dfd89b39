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
    makefiles = [ROOT / "Makefile"] + sorted((ROOT / "src/kerasgan/pipelines").glob("*/pipeline.mk"))
    text = "".join(p.read_text() for p in makefiles)
    phony = set()
    for line in text.splitlines():
        if line.startswith(".PHONY:"):
            phony.update(line.split(":", 1)[1].split())
    helped = set(re.findall(r"^([A-Za-z0-9_.-]+):.*## ", text, flags=re.M))
    assert phony - helped == set(), "targets without ## help text"


def test_make_help_groups_targets_by_pipeline():
    """Each pipeline's include file is one group of `make help`, under its own title."""
    from kerasgan.pipelines import PIPELINES
    out = make("help").stdout
    titles = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert any(t.startswith("Common") for t in titles), titles
    for name in PIPELINES:
        # the room is the pipeline's package (two pipelines may share one, e.g. adversarial-*)
        mk = ROOT / "src" / PIPELINES[name]["package"].replace(".", "/") / "pipeline.mk"
        title = next(l[len("# help: "):] for l in mk.read_text().splitlines() if l.startswith("# help: "))
        assert title in titles, (name, titles)
        group = out.split(title, 1)[1].split("\n\n", 1)[0]
        for target in __import__("re").findall(r"^([a-z0-9-]+):.*## ", mk.read_text(), flags=__import__("re").M):
            assert "\n  %s " % target in group, (name, target)
    pikachu = out.split("Pikachu", 1)[1]
    for verb in ("download", "reshape", "filter", "train", "generate", "demo", "report"):
        assert "\n  %s " % verb in pikachu, verb


def test_reshape_and_train_sizes_are_separate_variables():
    """SIZE used to mean 256 to reshape and 32 to train: one value could not serve both."""
    dry = make("-n", "reshape", "train", "SIZE=48", "RUNNER=local", "INGEST_VENV=/nonexistent-ingest", "VENV=/nonexistent")
    assert "--size '256'" in dry.stdout and "--size '48'" in dry.stdout, dry.stdout + dry.stderr


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


def makefiles():
    return [ROOT / "Makefile", ROOT / "docker" / "docker.mk"] + sorted((ROOT / "src").rglob("*.mk"))


def test_each_make_variable_is_defined_once_with_help():
    """A name shared by pipelines (RUN, EPOCHS, EPOCH, N, BATCH, SIZE, NICE, DEMO_DIR) has one
    definition and one meaning; a demo's own epochs, channels and EVAL_N are defaults that the
    shared name replaces, not variables of their own."""
    import collections
    import re
    names = collections.Counter()
    for path in makefiles():
        names.update(re.findall(r"^([A-Z][A-Z0-9_]*) \?=.*## ", path.read_text(), flags=re.M))
    assert [n for n, c in names.items() if c > 1] == []
    for shared in ("RUN", "EPOCHS", "EPOCH", "N", "BATCH", "SIZE", "NICE", "DEMO_DIR"):
        assert names[shared] == 1, shared
    listed = [line.split()[0] for line in make("help").stdout.splitlines()
              if re.match(r"^  [A-Z][A-Z0-9_]* ", line)]
    # every name once, each with its help line (the count itself grows with each include)
    assert len(listed) == len(set(listed)) == sum(names.values())


def test_one_option_macro_and_no_private_demo_folders():
    import re
    text = "".join(p.read_text() for p in makefiles())
    assert re.findall(r"^([a-z0-9_]+_opt) =", text, flags=re.M) == []
    assert "P2P_DEMO_DIR" not in text and "CARTOON_DEMO_DIR" not in text


def test_every_demo_writes_into_demo_dir_and_sub_makes_get_the_runner():
    """`make <x>-demo DEMO_DIR=d` sends every stage to d (OUT_DIR=d, DATA_DIR=d/data), and each
    sub-make gets RUNNER on its command line, so the runner's probe runs once."""
    import re
    text = "".join(p.read_text() for p in makefiles())
    demos = sorted(set(re.findall(r"^((?:[a-z0-9-]+-)?demo):", text, flags=re.M)))
    assert {"demo", "dcgan-demo", "pix2pix-demo", "cartoon-demo", "adversarial-mnist-demo",
            "adversarial-cifar10-demo"} <= set(demos)
    for demo in demos:
        dry = make("-n", demo, "DEMO_DIR=/tmp/kg-demo-dir", "RUNNER=local", "SYSTEM_PACKAGES=0",
                   "VENV=/nonexistent", "INGEST_VENV=/nonexistent-ingest")
        assert subprocess.run(["bash", "-n"], input=dry.stdout, universal_newlines=True).returncode == 0, dry.stdout
        subs = [line for line in dry.stdout.splitlines() if line.startswith("make ")]
        assert subs, (demo, dry.stdout + dry.stderr)
        for line in subs:
            assert "RUNNER=local" in line, line
            assert "OUT_DIR='/tmp/kg-demo-dir'" in line and "DATA_DIR='/tmp/kg-demo-dir/data'" in line, line


def test_make_bench_goes_through_the_runner():
    dry = make("-n", "bench", "RUNNER=docker", "DOCKER_FLAVOUR=cpu", "IMAGE=kg")
    line = next(l for l in dry.stdout.splitlines() if "kerasgan bench" in l)
    assert "docker run" in line and "kg:cpu python -m kerasgan bench" in line, line
