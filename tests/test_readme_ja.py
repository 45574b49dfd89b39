"""The Japanese pages keep in step with the English ones: README.ja.md with README.md, and
docs/ja/<room>.md with docs/<room>.md for every pipeline room.

Every make target an English page shows in a command (`make <target> ...` in code) and every make
variable it sets (`VAR=`) must also appear in its Japanese twin the same way. Targets and variables are
those the Makefile and its includes define, so prose ("make it faster") never counts.
"""
import re

import pytest

from conftest import ROOT

MAKEFILES = [ROOT / "Makefile"] + sorted((ROOT / "src").rglob("*.mk"))
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
SEPARATORS = ("#", "|", ";", "&&", "||", ")", "(")


def defined():
    """(targets, variables) defined by the Makefile and its includes."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in MAKEFILES)
    targets = set(re.findall(r"^([a-z][a-z0-9.-]*):(?!=)", text, flags=re.M))
    variables = set(re.findall(r"^([A-Z][A-Z0-9_]*) *\??=", text, flags=re.M))
    return targets, variables


def named(markdown, targets, variables):
    """(make targets run in the page's code, make variables set anywhere as NAME=)."""
    found_targets = set()
    for code in CODE.findall(markdown):
        for line in code.strip("`").splitlines():
            for match in re.finditer(r"\bmake((?:\s+[^\s#|;&()]+)*)", line):
                for word in match.group(1).split():
                    if word.startswith(SEPARATORS):
                        break
                    if word in targets:
                        found_targets.add(word)
    found_variables = {name for name in re.findall(r"\b([A-Z][A-Z0-9_]*)=", markdown) if name in variables}
    return found_targets, found_variables


def test_extraction_sees_commands_and_variables():
    targets, variables = defined()
    assert {"setup", "demo", "train", "notebook"} <= targets and {"SEED", "DATA_DIR", "RUN"} <= variables
    page = "Run `make train RUN=a EPOCHS=3` # not: make demo\n\n```\nmake setup   # set-up\n```\nmake report in prose\n"
    assert named(page, targets, variables) == ({"train", "setup"}, {"RUN", "EPOCHS"})


def missing_in_japanese(english_path, japanese_path):
    """What the English page names (make targets, VAR=) that its Japanese twin does not."""
    targets, variables = defined()
    en_targets, en_variables = named(english_path.read_text(encoding="utf-8"), targets, variables)
    ja_targets, ja_variables = named(japanese_path.read_text(encoding="utf-8"), targets, variables)
    return ["make " + t for t in sorted(en_targets - ja_targets)] + \
           [v + "=" for v in sorted(en_variables - ja_variables)]


def pipeline_rooms():
    from kerasgan.pipelines import PIPELINES
    return sorted({spec["package"].rsplit(".", 1)[1] for spec in PIPELINES.values()})


def test_japanese_readme_names_every_target_and_variable_of_the_english_one():
    missing = missing_in_japanese(ROOT / "README.md", ROOT / "README.ja.md")
    assert not missing, "README.ja.md lacks what README.md names: " + ", ".join(missing)


def test_every_pipeline_page_has_a_japanese_twin_in_step_with_it():
    rooms = pipeline_rooms()
    assert {"pikachu", "dcgan", "adversarial", "pix2pix", "cartoon"} <= set(rooms)
    for room in rooms:
        english, japanese = ROOT / "docs" / (room + ".md"), ROOT / "docs" / "ja" / (room + ".md")
        assert english.is_file() and japanese.is_file(), room
        missing = missing_in_japanese(english, japanese)
        assert not missing, "docs/ja/%s.md lacks what docs/%s.md names: %s" % (room, room, ", ".join(missing))
        head = lambda path: "\n".join(path.read_text(encoding="utf-8").splitlines()[:5])
        assert "ja/%s.md" % room in head(english) and "../%s.md" % room in head(japanese), room


def test_readme_links_the_japanese_one_in_its_first_lines():
    head = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:5])
    assert "README.ja.md" in head
    assert "README.md" in "\n".join((ROOT / "README.ja.md").read_text(encoding="utf-8").splitlines()[:5])


@pytest.mark.parametrize("page", ["evaluation", "sweeps"])
def test_the_evaluation_and_sweep_pages_have_japanese_twins_in_step_with_them(page):
    english, japanese = ROOT / "docs" / (page + ".md"), ROOT / "docs" / "ja" / (page + ".md")
    missing = missing_in_japanese(english, japanese)
    assert not missing, "docs/ja/%s.md lacks what docs/%s.md names: %s" % (page, page, ", ".join(missing))
    head = lambda path: "\n".join(path.read_text(encoding="utf-8").splitlines()[:5])   # noqa: E731
    assert "ja/%s.md" % page in head(english) and "../%s.md" % page in head(japanese)
