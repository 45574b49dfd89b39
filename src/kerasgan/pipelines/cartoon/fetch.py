"""`make cartoon-download [ARCHIVE=url-or-path]`: the Cartoon Set into DATA_DIR/cartoon/, safely.

    python -m kerasgan cartoon-download [--archive URL|FILE.tgz|FOLDER]

- URL (default: the 10k archive): downloaded to DATA_DIR/cartoon/archives/<name>.part with HTTP
  Range resume (a killed download continues where it stopped), then renamed to <name>; a server
  that ignores Range starts over. Socket timeouts bound every wait.
- archive (downloaded or local): checked and extracted member by member. Only regular files and
  folders are accepted: an absolute name, a `..` component, a symlink, a hard link, a device or a
  FIFO refuses the whole archive (named in the message), as do a member over --max-member-mb and a
  total over --max-total-gb (a decompression bomb). Files go into DATA_DIR/cartoon/.extract-<name>
  (opened with O_EXCL | O_NOFOLLOW), which is renamed to DATA_DIR/cartoon/<name>/ when complete; a
  run killed half-way starts the extraction again, and nothing outside DATA_DIR is ever written.
- folder: used as it is (nothing copied).

The set chosen is recorded in DATA_DIR/cartoon/set.json, where `make cartoon-train` finds it.
Standard library only: runs in either environment (the Makefile uses the ingestion one).
"""
import json
import os
import posixpath
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from ... import paths

DEFAULT_ARCHIVE = "https://storage.googleapis.com/cartoonset_public_files/cartoonset10k.tgz"
SET_FILE = "set.json"
COMPLETE = ".complete"
CHUNK = 1 << 20
TIMEOUT = 30.0               # seconds any one socket wait may take


class FetchError(Exception):
    pass


def cartoon_dir(data_root=None):
    return Path(data_root or paths.data_dir()) / "cartoon"


def archive_name(source):
    """'https://.../cartoonset10k.tgz' or a path -> 'cartoonset10k.tgz' (a plain, safe name)."""
    name = posixpath.basename(urlsplit(str(source)).path) or "archive.tgz"
    if name.startswith(".") or not all(c.isalnum() or c in "._-" for c in name):
        raise FetchError("archive name %r: only letters, digits, . _ - allowed" % name)
    return name


def set_name(archive):
    for suffix in (".tar.gz", ".tgz", ".tar"):
        if archive.endswith(suffix):
            return archive[:-len(suffix)]
    return archive


# ---------------------------------------------------------------- download with resume
def download(url, target, log=print, timeout=TIMEOUT):
    """url -> target (Range-resumed from target.part). Returns target."""
    target = Path(target)
    if target.is_file():
        log("cartoon-download: %s already downloaded" % target)
        return target
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"Range": "bytes=%d-" % have} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:     # the .part is complete already
            os.replace(str(part), str(target))
            return target
        raise FetchError("%s: HTTP %d" % (url, error.code))
    except (urllib.error.URLError, OSError) as error:
        raise FetchError("%s: %s (offline? CARTOON_SET=synthetic needs no download)"
                         % (url, getattr(error, "reason", error)))
    with response:
        resumed = have and response.status == 206
        total = response.headers.get("Content-Length")
        total = int(total) + (have if resumed else 0) if total and total.isdigit() else None
        log("cartoon-download: %s %s (%s)" % ("resuming at %d bytes" % have if resumed else "fetching",
                                              url, "%d bytes" % total if total else "size unknown"))
        done, last = (have if resumed else 0), time.time()
        with open(str(part), "ab" if resumed else "wb") as handle:
            for block in iter(lambda: response.read(CHUNK), b""):
                handle.write(block)
                done += len(block)
                if time.time() - last > 5:
                    last = time.time()
                    log("cartoon-download: %d MB%s" % (done >> 20, " of %d" % (total >> 20) if total else ""))
    if total is not None and done != total:
        raise FetchError("%s: got %d of %d bytes; run it again to resume" % (url, done, total))
    os.replace(str(part), str(target))
    return target


# ---------------------------------------------------------------- safe extraction
def member_problem(member):
    """Why a tar member may not be extracted, or None."""
    name = member.name
    if not (member.isfile() or member.isdir()):
        kind = ("a symlink" if member.issym() else "a hard link" if member.islnk() else
                "a device" if member.isdev() else "a special file")
        return "%r is %s" % (name, kind)
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "%r is an absolute path" % name
    if ".." in name.replace("\\", "/").split("/"):
        return "%r has a '..' component" % name
    return None


def check_members(archive, members, max_member, max_total):
    total = 0
    for member in members:
        problem = member_problem(member)
        if problem is None and member.size > max_member:
            problem = "%r is %d MB (over %d MB)" % (member.name, member.size >> 20, max_member >> 20)
        if problem:
            raise FetchError("archive %s: %s; refused, nothing extracted" % (archive, problem))
        total += member.size
        if total > max_total:
            raise FetchError("archive %s: over %d GB uncompressed; refused, nothing extracted"
                             % (archive, max_total >> 30))


def extract(archive, target, max_member_mb=50, max_total_gb=20, log=print):
    """Safely extract `archive` into the folder `target` (see the module's text); -> target."""
    target = Path(target)
    if (target / COMPLETE).is_file():
        log("cartoon-download: %s already extracted" % target)
        return target
    tmp = target.with_name(".extract-" + target.name)
    if tmp.exists():
        shutil.rmtree(str(tmp))          # a killed extraction: start it again
    try:
        with tarfile.open(str(archive), "r:*") as tar:
            members = tar.getmembers()   # reads the whole archive: a corrupt one fails here
            check_members(archive, members, max_member_mb << 20, max_total_gb << 30)
            tmp.mkdir(parents=True)
            for member in members:
                _extract_member(tar, member, tmp)
    except (tarfile.TarError, EOFError, OSError) as error:
        shutil.rmtree(str(tmp), ignore_errors=True)
        raise FetchError("archive %s: cannot be read (%s); delete it to download again"
                         % (archive, error))
    except FetchError:
        shutil.rmtree(str(tmp), ignore_errors=True)
        raise
    entries = [p for p in tmp.iterdir()]
    root = entries[0] if len(entries) == 1 and entries[0].is_dir() else tmp  # the set's own top folder
    (root / COMPLETE).write_text("extracted from %s\n" % Path(archive).name)
    if target.exists():
        shutil.rmtree(str(target))
    os.replace(str(root), str(target))
    if tmp.exists():
        shutil.rmtree(str(tmp))
    log("cartoon-download: extracted %d members into %s" % (len(members), target))
    return target


def _extract_member(tar, member, root):
    path = root.joinpath(*[p for p in member.name.replace("\\", "/").split("/") if p not in ("", ".")])
    if path == root:
        return
    if member.isdir():
        path.mkdir(parents=True, exist_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    with os.fdopen(fd, "wb") as out, tar.extractfile(member) as source:
        left = member.size
        while left > 0:
            block = source.read(min(CHUNK, left))
            if not block:
                raise FetchError("member %r ends early" % member.name)
            out.write(block)
            left -= len(block)


# ---------------------------------------------------------------- the stage
def fetch(source, data_root=None, log=print, **limits):
    """URL, archive or folder -> the set's folder, recorded in DATA_DIR/cartoon/set.json."""
    base = cartoon_dir(data_root)
    source = str(source)
    if urlsplit(source).scheme in ("http", "https"):
        name = archive_name(source)
        archive = download(source, base / "archives" / name, log=log)
        folder = extract(archive, base / set_name(name), log=log, **limits)
    elif Path(source).is_dir():
        folder = Path(source).resolve()
    elif Path(source).is_file():
        folder = extract(Path(source), base / set_name(archive_name(source)), log=log, **limits)
    else:
        raise FetchError("ARCHIVE %s: not a URL, a file or a folder" % source)
    pairs = len(list(Path(folder).glob("cs*.png")))
    if not pairs:
        raise FetchError("%s holds no csX.png images" % folder)
    base.mkdir(parents=True, exist_ok=True)
    tmp = base / (".%s.tmp" % SET_FILE)
    tmp.write_text(json.dumps({"folder": str(folder), "source": source, "images": pairs}, indent=2) + "\n")
    os.replace(str(tmp), str(base / SET_FILE))
    log("cartoon-download: %d images in %s (recorded in %s)" % (pairs, folder, base / SET_FILE))
    return Path(folder)


def recorded_set(data_root=None):
    """The folder cartoon-download recorded, or None."""
    path = cartoon_dir(data_root) / SET_FILE
    try:
        return Path(json.loads(path.read_text())["folder"])
    except (OSError, ValueError, KeyError):
        return None


def configure(parser):
    parser.add_argument("--archive", default=DEFAULT_ARCHIVE,
                        help="URL, local .tgz or a folder of csX.png + csX.csv (default: the 10k set)")
    parser.add_argument("--max-member-mb", type=int, default=50, help="largest file accepted in the archive")
    parser.add_argument("--max-total-gb", type=int, default=20, help="largest uncompressed total accepted")


def main(args):
    try:
        fetch(args.archive, max_member_mb=args.max_member_mb, max_total_gb=args.max_total_gb,
              log=lambda *a: print(*a, flush=True))
    except FetchError as error:
        print("cartoon-download: error: %s" % error, file=sys.stderr)
        return 2
    return 0
