"""Writing files so that a kill never leaves half a file, and hashing them.

Every write goes to a temporary name in the same folder and is renamed over the target (atomic on
POSIX). The temporary file is opened with plain open(), so the result gets the user's umask
(tempfile.mkstemp would leave 0600).
"""
import contextlib
import hashlib
import json
import os
from pathlib import Path


def temp_name(path):
    path = Path(path)
    return path.with_name(".%s.tmp-%d" % (path.name, os.getpid()))


def fsync_dir(folder):
    try:
        fd = os.open(str(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """Yield a temporary path beside `path` for a writer that wants a file name (PIL, h5py);
    on success it replaces `path`, on error it is removed. `suffix` keeps writers that pick
    a format from the extension happy."""
    path = Path(path)
    tmp = temp_name(path)
    if suffix:
        tmp = tmp.with_name(tmp.name + suffix)
    try:
        yield tmp
        os.replace(str(tmp), str(path))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(str(tmp))
        raise
    fsync_dir(path.parent)


def write_atomic(path, data):
    """Write bytes (or str, as UTF-8) to `path` atomically."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path) as tmp:
        with open(str(tmp), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def write_json(path, obj):
    write_atomic(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path):
    """The parsed file, or None when it is missing or not valid JSON (a reader of optional files)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(str(path), "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_atomic(source, dest):
    """Copy a file's bytes to dest atomically (dest never half-written)."""
    import shutil
    with atomic_path(dest) as tmp:
        shutil.copyfile(str(source), str(tmp))


def write_csv(path, fields, rows, **writer_options):
    """A CSV of dict rows (csv.DictWriter's defaults: \\r\\n line ends), atomically."""
    import csv
    import io
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(fields), **writer_options)
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(path, buffer.getvalue())
