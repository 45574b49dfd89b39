"""`python -m kerasgan <command>`: one CLI for every stage (the Makefile calls it)."""
import argparse
import importlib
import os
import sys

from .commands import COMMANDS


def _ensure_hash_seed(argv):
    """PYTHONHASHSEED only takes effect at interpreter start: re-exec once with it set to SEED."""
    seed = os.environ.get("KERASGAN_SEED") or os.environ.get("SEED") or "0"
    if os.environ.get("PYTHONHASHSEED") is None:
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
    module_name, text = COMMANDS[argv[0]]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog="python -m kerasgan " + argv[0], description=text)
    module.configure(parser)
    args = parser.parse_args(argv[1:])
    return module.main(args) or 0


if __name__ == "__main__":
    sys.exit(main())
