"""The one user-error type of every stage.

A stage raises UserError (or a subclass) for what the user can fix: a missing or malformed input
file, a bad setting, a run started with other settings. `python -m kerasgan` (and the notebooks,
through the same run_command) prints it as `kerasgan <command>: error: <message>` and exits 2,
with nothing written; any other exception is a bug and keeps its traceback.
"""


class UserError(Exception):
    """What a stage refuses to do, and why, in words that name the file or setting."""


EXIT_STATUS = 2
