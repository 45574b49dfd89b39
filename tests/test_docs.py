"""The documentation holds together: README*.md and docs/ link only to files and headings that exist,
name only make targets that `make help` lists, and the code cites only docs pages and headings that
exist (never a file outside the repository).
"""
import re
import subprocess
import unicodedata

from conftest import ROOT

PAGES = sorted(ROOT.glob("README*.md")) + sorted((ROOT / "docs").rglob("*.md"))
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]+`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
CITATION = re.compile(r"\bdocs/([A-Za-z0-9_./-]+?\.md)(?:#([A-Za-z0-9_-]+))?")
# Where the code may cite docs pages: sources, make files, docker files, tests, CI.
CODE_FILES = ([ROOT / "Makefile", ROOT / ".ci" / "run"] + sorted((ROOT / "src").rglob("*"))
              + sorted((ROOT / "docker").rglob("*")) + sorted((ROOT / "tests").rglob("*.py")))
# A make command in code: `make` starting a line or a command (after && ; || $), then its words up to
# a shell separator or a comment.
MAKE_WORDS = re.compile(r"(?:^|&&|\|\||;|\$)[ \t]*make((?:[ \t]+[^\s#|;&()]+)*)", re.M)
TARGET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def slug(heading):
    """GitHub's anchor for a Markdown heading (github-slugger): rendered text, lower case, only
    letters, digits, marks, '_', '-' and spaces kept, spaces turned into '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)     # a link shows its text
    text = text.replace("`", "").replace("*", "")
    kept = [c for c in text.lower()
            if c in "-_ " or unicodedata.category(c)[0] in ("L", "N", "M")]
    return "".join(kept).replace(" ", "-")


def anchors(page):
    """Every anchor GitHub gives the page's headings; a repeated one gets -1, -2, ..."""
    seen, result = {}, set()
    for _, text in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else "%s-%d" % (base, count))
    return result


def links(page):
    """Relative link and image targets of a page, outside code."""
    text = INLINE_CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t) and not t.startswith("/")]


def broken_link(page, target):
    """None if target (a path relative to page, with an optional #anchor) resolves, else why."""
    path, _, anchor = target.partition("#")
    dest = (page.parent / path).resolve() if path else page
    if not dest.exists():
        return "no file %s" % dest.relative_to(ROOT) if ROOT in dest.parents else "outside the repository"
    if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
        return "no heading #%s in %s" % (anchor, dest.relative_to(ROOT))
    return None


def make_help_targets():
    out = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "help"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, timeout=120, check=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.startswith("  ") and line.strip()}


def make_targets_named(page_text):
    """Targets of every `make ...` in the page's code (fenced or inline); variables, options and
    placeholders (VAR=x, -n, <name>-train, [RUN=...]) are not targets."""
    named = set()
    for code in FENCE.findall(page_text) + INLINE_CODE.findall(page_text):
        for match in MAKE_WORDS.finditer(code.strip("`")):
            named.update(word for word in match.group(1).split() if TARGET_NAME.match(word))
    return named


def test_slug_follows_githubs_rules():
    assert slug("Which bases, and why") == "which-bases-and-why"
    assert slug("keras-adversarial master's API") == "keras-adversarial-masters-api"
    assert slug("The run folder `OUT_DIR/pikachu/<RUN>/`") == "the-run-folder-out_dirpikachurun"
    assert slug("CIFAR-10 GAN") == "cifar-10-gan"
    assert slug("keras-dcgan (seeds 002 §4.2, 003)") == "keras-dcgan-seeds-002-42-003"
    assert slug("自分の画像で") == "自分の画像で"
    assert slug("[Docker](docker.md) images") == "docker-images"


def test_repeated_headings_get_numbered_anchors(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# T\n## Notes\n```\n## not a heading\n```\n## Notes\n", encoding="utf-8")
    assert anchors(page) == {"t", "notes", "notes-1"}


def test_make_extraction_skips_variables_options_and_placeholders():
    text = ("```bash\nmake train RUN=a -n   # a comment, not make generate\nmake <name>-train\n"
            "make setup FLAVOUR=mkl && make bench\nsrc/  its make targets\n```\n"
            "Run `make download reshape; ls` or `make -n demo RUNNER=docker`; prose: make it so.\n")
    assert make_targets_named(text) == {"train", "setup", "bench", "download", "reshape", "demo"}


def test_every_relative_link_and_image_resolves():
    assert len(PAGES) > 10, PAGES
    broken = []
    for page in PAGES:
        for target in links(page):
            why = broken_link(page, target)
            if why:
                broken.append("%s: (%s) %s" % (page.relative_to(ROOT), target, why))
    assert not broken, "\n".join(broken)


def test_every_make_target_named_exists_in_make_help():
    targets = make_help_targets()
    assert {"setup", "demo", "train", "dcgan-demo", "bench"} <= targets
    unknown, named = [], set()
    for page in PAGES:
        found = make_targets_named(page.read_text(encoding="utf-8"))
        named |= found
        unknown += ["%s: make %s" % (page.relative_to(ROOT), word) for word in sorted(found - targets)]
    assert len(named) > 30, sorted(named)
    assert not unknown, "\n".join(unknown)


def test_code_cites_existing_docs_pages_and_headings():
    cited, bad = 0, []
    for path in CODE_FILES:
        if not path.is_file() or path.suffix in (".png", ".pyc", ".npz", ".h5", ".ttf"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for page, anchor in CITATION.findall(text):
            cited += 1
            target = ROOT / "docs" / page
            if not target.is_file():
                bad.append("%s: docs/%s does not exist" % (path.relative_to(ROOT), page))
            elif anchor and anchor not in anchors(target):
                bad.append("%s: no heading #%s in docs/%s" % (path.relative_to(ROOT), anchor, page))
    assert cited > 30, cited
    assert not bad, "\n".join(bad)


def test_code_cites_no_file_outside_the_repository():
    outside = ("REFERENCE" + ".md", "STYLE" + ".md", "shared/" + "seeds")
    found = []
    for path in CODE_FILES + PAGES:
        if path.is_file() and path.suffix not in (".png", ".pyc", ".npz", ".h5", ".ttf"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += ["%s: %s" % (path.relative_to(ROOT), name) for name in outside if name in text]
    assert not found, "\n".join(found)


def test_readme_fits_five_minutes_and_keeps_the_screenshot():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) <= 15000, len(readme)
    assert "](docs/demo-report.png)" in readme


def test_readme_links_every_docs_page():
    readme = ROOT / "README.md"
    linked = {(readme.parent / t.partition("#")[0]).resolve() for t in links(readme)}
    pages = sorted((ROOT / "docs").glob("*.md"))
    assert len(pages) >= 10, pages
    assert [p.name for p in pages if p.resolve() not in linked] == []
