"""Small cartoon sets in the real format (csX.png + csX.csv) for the cartoon tests."""
import io
import tarfile

import numpy as np

from kerasgan.pipelines.cartoon import attributes, data, synthetic


def write_pairs(folder, n, seed=0, side=None):
    """n synthetic faces (drawn at 500x500, or `side`) as the real set's files; -> their names."""
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    names = []
    for ident in synthetic.file_ids(rng, n):
        values = synthetic.sample_attributes(rng)
        image = synthetic.render(values)
        if side:
            image = image.resize((side, side), Image.BOX)
        image.save(str(folder / ("cs%d.png" % ident)))
        (folder / ("cs%d.csv" % ident)).write_text(attributes.format_csv(values))
        names.append("cs%d" % ident)
    return names


def cache_set(folder, data_root, n, seed=0):
    """A set folder and its prepared cache, made with the legacy environment's Pillow (the real
    prepare decodes in the ingestion environment; tests/ingest/test_cartoon_data.py covers it)."""
    from PIL import Image
    names = write_pairs(folder, n, seed)
    pairs, broken = data.list_pairs(folder)
    images, table = [], []
    for stem, png, csv in pairs:
        with Image.open(str(png)) as image:
            rgba = image.convert("RGBA")
            white = Image.new("RGB", rgba.size, (255, 255, 255))
            white.paste(rgba, mask=rgba.getchannel("A"))
            images.append(np.asarray(white.resize((data.SIDE, data.SIDE), Image.BOX), np.uint8))
        table.append(attributes.to_row(attributes.parse(csv.read_text())))
    target = data.cache_path(folder, pairs, broken, data_root)
    data.write_cache(target, np.stack(images), np.stack(table), [p[0] for p in pairs], broken, folder)
    return names, target


def tar_bytes(entries):
    """[(name, bytes | None for a folder | ('symlink', target) | ('hardlink', target))] -> .tgz bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in entries:
            info = tarfile.TarInfo(name)
            if content is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif isinstance(content, tuple):
                info.type = tarfile.SYMTYPE if content[0] == "symlink" else tarfile.LNKTYPE
                info.linkname = content[1]
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()
