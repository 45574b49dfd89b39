"""The filter's inputs, checked before TensorFlow is imported (no Keras here).

`check_labeled` validates DATA_DIR/labeled/{trains,valids}/<class>/ and returns the class order the
model is trained with: [the other class, TARGET], so the sigmoid output always means "is TARGET",
whatever the alphabetical order of the folder names. Every error says which folder and what to put
there.
"""
from pathlib import Path

from ..errors import UserError

SPLITS = ("trains", "valids")
# The extensions Keras 2.1.2's flow_from_directory reads (case-insensitive); others are ignored.
KERAS_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm")
# What the scoring step reads from reshaped/ (the reshape stage writes JPEG).
SCORED_EXTENSIONS = (".jpg", ".jpeg", ".png")
DEFAULT_MIN_IMAGES = 10


class FilterDataError(UserError):
    """A problem with the filter's input folders; the message says what to do."""


HOW_TO_LABEL = ("Put example images in {labeled}/trains/<class>/ and {labeled}/valids/<class>/ "
                "(two classes: TARGET, e.g. pikachu, and everything else, e.g. others; the "
                "original used 30+50 train and 12+20 valid images), or run `make label` to sort "
                "the reshaped images by clicking.")


def image_files(folder, extensions=KERAS_IMAGE_EXTENSIONS):
    """Image files directly under `folder` (non-hidden, by extension), sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in extensions)


def check_labeled(labeled, target, min_images=DEFAULT_MIN_IMAGES):
    """Validate the labelled layout. Returns (classes, counts): classes = [other, target] and
    counts = {split: {class: n}}. Raises FilterDataError naming the folder and the fix."""
    labeled = Path(labeled)
    how = HOW_TO_LABEL.format(labeled=labeled)
    if not labeled.is_dir():
        raise FilterDataError("No labelled data: %s does not exist. %s" % (labeled, how))
    found = {}
    for split in SPLITS:
        folder = labeled / split
        if not folder.is_dir():
            raise FilterDataError("No labelled data in %s (missing). %s" % (folder, how))
        found[split] = sorted(p.name for p in folder.iterdir()
                              if p.is_dir() and not p.name.startswith("."))
        if not found[split]:
            raise FilterDataError("No class folders in %s. %s" % (folder, how))
    for split in SPLITS:
        folder = labeled / split
        if len(found[split]) != 2:
            raise FilterDataError(
                "%s must hold exactly two class folders (TARGET and the rest), found %d: %s. "
                "Merge or remove folders so that only e.g. %s/ and others/ remain."
                % (folder, len(found[split]), ", ".join(found[split]), target))
    if found["trains"] != found["valids"]:
        raise FilterDataError(
            "The class folders differ: %s has %s but %s has %s. Use the same two names in both."
            % (labeled / "trains", ", ".join(found["trains"]),
               labeled / "valids", ", ".join(found["valids"])))
    classes = found["trains"]
    if target not in classes:
        raise FilterDataError(
            "TARGET=%s is not one of the class folders of %s (%s). Set TARGET to the wanted "
            "class or rename its folder to %s/." % (target, labeled / "trains",
                                                     ", ".join(classes), target))
    ordered = [c for c in classes if c != target] + [target]
    counts = {}
    for split in SPLITS:
        counts[split] = {}
        for name in ordered:
            folder = labeled / split / name
            n = len(image_files(folder))
            counts[split][name] = n
            if n == 0:
                raise FilterDataError(
                    "%s is empty: put %s images there (%s files, at least %d)."
                    % (folder, name if name == target else "non-%s (%s)" % (target, name),
                       "/".join(e.lstrip(".") for e in KERAS_IMAGE_EXTENSIONS), min_images))
            if n < min_images:
                raise FilterDataError(
                    "%s has only %d image%s; put at least %d there (FILTER_MIN_IMAGES=%d)."
                    % (folder, n, "" if n == 1 else "s", min_images, min_images))
    return ordered, counts


def reshaped_images(reshaped):
    """The images to score, in a stable order (numeric names first, as the reshape stage writes)."""
    reshaped = Path(reshaped)
    files = image_files(reshaped, SCORED_EXTENSIONS)
    if not files:
        raise FilterDataError(
            "Nothing to score: %s %s. Run `make reshape` first (or put square JPEG images "
            "there)." % (reshaped, "has no .jpg/.jpeg/.png images" if reshaped.is_dir()
                         else "does not exist"))
    return sorted(files, key=natural_key)


def natural_key(path):
    stem = Path(path).stem
    return (0, int(stem), path.name) if stem.isdigit() else (1, 0, path.name)

