"""Progress, ETA, and stopping cleanly on SIGINT / SIGTERM.

On a terminal the epoch line updates in place (one line); in a log (a pipe, CI, nohup) it prints
one line every `every` epochs, plus the first epoch and every epoch that writes a grid, so logs stay
short and still show where a run was. A first signal asks the loop to checkpoint and stop after the
current epoch; a second stops at once (the last checkpoint stays).
"""
import signal
import sys
import time


def log(*parts):
    print(*parts, flush=True)


def duration(seconds):
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return ("%dd " % days if days else "") + "%02d:%02d:%02d" % (h, m, s)


class StopFlag(object):
    """SIGINT / SIGTERM: finish the current epoch, checkpoint, exit."""

    def __init__(self, say=log):
        self.signum = None
        self._say = say
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum, frame):
        if self.signum is not None:   # second signal: stop now
            raise KeyboardInterrupt
        self.signum = signum
        self._say("signal %d: stopping after this epoch (checkpointing first)" % signum)

    @property
    def requested(self):
        return self.signum is not None


class Progress(object):
    """Times epochs and prints `epoch NNNNN/N  <text>  r epochs/s  ETA hh:mm:ss`."""

    def __init__(self, total, start=0, every=None, stream=None, unit="epoch"):
        self.total, self.start, self.unit = total, start, unit
        self.stream = stream or sys.stdout
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = every or 100
        self.seconds, self.done = 0.0, 0
        self._began = None
        self._open_line = False

    def begin(self):
        self._began = time.time()

    def end(self, epoch, text="", force=False):
        """Record one finished epoch and show it; returns the seconds it took."""
        took = time.time() - self._began
        self.seconds += took
        self.done += 1
        rate = self.done / max(self.seconds, 1e-9)
        remaining = self.total - epoch - 1
        if self.done == 1:
            self._print("timing: the first %s took %.1f s (graph warm-up included); %d to go"
                        % (self.unit, took, remaining), final=True)
        line = "%s %05d/%d  %s  %.2f %ss/s  ETA %s" % (
            self.unit, epoch, self.total, text, rate, self.unit, duration(remaining / rate))
        if self.tty:
            self._print(line, final=force or remaining == 0)
        elif force or self.done == 1 or remaining == 0 or (epoch - self.start) % self.every == 0:
            self._print(line, final=True)
        return took

    def say(self, text):
        """A message of its own (not an epoch line)."""
        self._print(text, final=True)

    def _print(self, text, final):
        if self.tty:
            self.stream.write("\r\033[K" + text + ("\n" if final else ""))
            self._open_line = not final
        else:
            if self._open_line:
                self.stream.write("\n")
                self._open_line = False
            self.stream.write(text + "\n")
        self.stream.flush()

    @property
    def seconds_per_epoch(self):
        return self.seconds / self.done if self.done else None


def quiet_tensorflow(tf):
    """TF 1.14 prints dozens of deprecation notices (about Keras 2.1.2's calls, not the user's) before
    the first epoch; keep errors only. Called once TensorFlow is imported (kerasgan.compat_hook)."""
    try:
        from tensorflow.python.util import deprecation
        deprecation._PRINT_DEPRECATION_WARNINGS = False
    except ImportError:  # pragma: no cover - another TF layout
        pass
    try:
        from tensorflow.python.util import deprecation_wrapper
        deprecation_wrapper._PER_MODULE_WARNING_LIMIT = 0
    except ImportError:  # pragma: no cover - TF < 1.14
        pass
    tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
