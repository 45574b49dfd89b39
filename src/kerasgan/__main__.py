"""`python -m kerasgan <command>`: one CLI for every stage (the Makefile calls it)."""
import argparse
import importlib
import os
import sys

from .commands import COMMANDS, INGEST_COMMANDS, SWEEP_COMMANDS
from .errors import EXIT_STATUS, UserError


def _ensure_hash_seed(argv):
    """PYTHONHASHSEED only takes effect at interpreter start: re-exec once with it set to SEED."""
    if os.environ.get("PYTHONHASHSEED") is None:
        seed = "0"
        for i, arg in enumerate(argv):
            if arg == "--seed" and i + 1 < len(argv):
                seed = argv[i + 1]
            elif arg.startswith("--seed="):
                seed = arg.split("=", 1)[1]
        env = dict(os.environ, PYTHONHASHSEED=seed)
        os.execve(sys.executable, [sys.executable, "-m", "kerasgan"] + argv, env)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m kerasgan", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for name, (module, text) in COMMANDS.items():
        sub.add_parser(name, help=text, add_help=False)
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        parser = build_parser()
        if argv and argv[0] not in ("-h", "--help"):
            parser.error("unknown command %r (choose from %s)" % (argv[0], ", ".join(COMMANDS)))
        parser.print_help()
        return 0
    _ensure_hash_seed(argv)
    return run_command(argv[0], argv[1:])


def run_command(name, argv):
    """Run one command in this interpreter: its own parser on argv, then its main(args).

    Also what the notebooks call (kerasgan.notebook.run), so a cell runs exactly what the CLI runs.
    """
    if name not in INGEST_COMMANDS + SWEEP_COMMANDS:
        from .compat_hook import quiet_tensorflow_on_import
        quiet_tensorflow_on_import()   # TF's deprecation notices are about Keras 2.1.2, not the user
    module_name, text = COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        where = ".venv-ingest" if name in INGEST_COMMANDS else \
            ".venv-sweep" if name in SWEEP_COMMANDS else ".venv"
        sys.exit("kerasgan %s: this environment lacks %s (%s). Run it as `make %s`, which uses %s."
                 % (name, error.name or "a dependency", error, name, where))
    parser = argparse.ArgumentParser(prog="python -m kerasgan " + name, description=text)
    module.configure(parser)
    args = parser.parse_args(argv)
    try:
        return module.main(args) or 0
    except (UserError, FileNotFoundError) as error:   # a missing input file is the user's to give
        print("kerasgan %s: error: %s" % (name, error), file=sys.stderr)
        return EXIT_STATUS


if __name__ == "__main__":
    sys.exit(main())
