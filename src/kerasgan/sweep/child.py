"""`python -m kerasgan.sweep.child CMD...`: exec CMD so that it gets SIGTERM when its parent dies.

A sweep worker that is killed must not leave its point's trainer running beside the retry
(Linux PR_SET_PDEATHSIG survives exec; make passes the SIGTERM on to the trainer, which saves
its checkpoint and stops). Elsewhere the command just runs.
"""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):   # not Linux: no parent-death signal
        pass
    if os.getppid() == 1:               # the parent died before prctl took effect
        sys.exit("kerasgan.sweep.child: the sweep worker is gone; not starting %s" % argv[0])
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
