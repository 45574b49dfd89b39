"""The CLI's commands, by name: `python -m kerasgan <command> --help`.

Each entry names the module that implements it; a module provides `configure(parser)` and
`main(args) -> int`. Modules are imported only when their command runs, so the ingestion
environment (no TensorFlow) never imports the legacy ones.
"""
COMMANDS = {
    # name: (module, one-line description)
    "env-check": ("kerasgan.envcheck", "print the stack's versions and fail on drift from the lock"),
    "download": ("kerasgan.ingest.download", "find image URLs for KEYWORDS (google, bing or a URL list) and fetch them safely"),
    "reshape": ("kerasgan.ingest.reshape", "square every downloaded image to SIZE x SIZE RGB JPEG, skipping bad files with a reason"),
    "filter": ("kerasgan.ingest.filter", "train the find-TARGET CNN on labeled/, keep reshaped images it scores >= THRESHOLD"),
    "label": ("kerasgan.ingest.label", "local web page to sort reshaped images into labeled/ classes by clicking"),
    "demo-corpus": ("kerasgan.demo.corpus", "render the demo's image corpus from the Noto Color Emoji font into DATA_DIR/demo-corpus"),
    "demo-search": ("kerasgan.demo.search", "serve the demo corpus as a local image search on loopback (optionally while a command runs)"),
    "demo-label": ("kerasgan.demo.label", "build labeled/ from the shipped demo labels file (smiley vs others, the original's counts)"),
    "train": ("kerasgan.pipelines.pikachu.train", "train the Pikachu GAN into OUT_DIR/pikachu/<RUN>/; resumes a stopped run"),
    "generate": ("kerasgan.pipelines.pikachu.generate", "sample a Pikachu GAN run (EPOCH=best|last|<n>, NICE=1 keeps the discriminator's favourites)"),
    "dcgan": ("kerasgan.pipelines.dcgan.cli", "keras-dcgan: --mode train|generate --batch_size N [--nice] [--path DIR] (OUT_DIR/dcgan/<RUN>/)"),
    "adversarial-mnist": ("kerasgan.pipelines.adversarial.mnist_cli", "keras-adversarial's dense MNIST GAN: --mode train|generate (OUT_DIR/adversarial-mnist/<RUN>/)"),
    "adversarial-cifar10": ("kerasgan.pipelines.adversarial.cifar10_cli", "keras-adversarial's convolutional CIFAR-10 GAN: --mode train|generate (OUT_DIR/adversarial-cifar10/<RUN>/)"),
    "pix2pix-square": ("kerasgan.pipelines.pix2pix.square", "pix2pix preprocess, part 1: decode INPUT's untrusted images (reshape's limits) into squared PNGs"),
    "pix2pix-preprocess": ("kerasgan.pipelines.pix2pix.preprocess", "pix2pix preprocess, part 2: auto-Canny edges -> DATA_DIR/pix2pix/<PHASE>/ image|edges pairs"),
    "pix2pix-train": ("kerasgan.pipelines.pix2pix.train", "train pix2pix (edges -> image) into OUT_DIR/pix2pix/<RUN>/; resumes a stopped run"),
    "pix2pix-test": ("kerasgan.pipelines.pix2pix.test", "pix2pix result pages OUT_DIR/pix2pix/<RUN>/test_<epoch>/index.html and index.md"),
    "pix2pix-demo-data": ("kerasgan.pipelines.pix2pix.demo", "render the pix2pix demo's animals and chimeras from Noto Color Emoji into DATA_DIR/pix2pix-emoji/"),
    "cartoon-download": ("kerasgan.pipelines.cartoon.fetch", "fetch the Cartoon Set (URL, .tgz or folder), resumably, and extract it safely into DATA_DIR/cartoon/"),
    "cartoon-prepare": ("kerasgan.pipelines.cartoon.data", "decode a cartoon set's PNG + CSV pairs (reshape's limits) once into DATA_DIR/cartoon/prepared/ at 64x64"),
    "cartoon-train": ("kerasgan.pipelines.cartoon.train", "train the Cartoon Set DCGAN, then its encoder, into OUT_DIR/cartoon/<RUN>/; resumes a stopped run"),
    "cartoon-generate": ("kerasgan.pipelines.cartoon.generate", "draw N faces from a cartoon run's generator (OUT_DIR/cartoon/<RUN>/samples/)"),
    "cartoon-classifier": ("kerasgan.pipelines.cartoon.classifier", "train (once) the attribute classifier that judges cartoon-arithmetic (ATTR=glasses ...), cached in DATA_DIR/models/"),
    "cartoon-arithmetic": ("kerasgan.pipelines.cartoon.arithmetic", "latent attribute arithmetic (ATTR=glasses ...): grids and the classifier's flip share"),
    "cartoon-interpolate": ("kerasgan.pipelines.cartoon.interpolate", "G along the line between two images' latents (OUT_DIR/cartoon/<RUN>/interpolate/)"),
    "bench": ("kerasgan.bench.run", "time our trainers and stages next to plain reference loops; OUT_DIR/bench/<time>.json"),
    "evaluate": ("kerasgan.evaluation.cli", "FID, KID, precision/recall/density/coverage of image set A against B (OUT_DIR/evaluation/)"),
    "sweep": ("kerasgan.sweep.engine", "run every point of a sweep file on a Dask cluster (local by default); OUT_DIR/sweeps/<name>/results.csv"),
    "sweep-score": ("kerasgan.sweep.score", "FID, KID, precision/recall of a sweep point's final generator (sweep files with score:)"),
    "sweep-report": ("kerasgan.sweep.report", "OUT_DIR/sweeps/<name>/report.html: per group mean and interval over seeds, every seed, plots"),
    "report": ("kerasgan.report", "write OUT_DIR/<pipeline>/<RUN>/report.html: every stage's counts, curves and images"),
    "fingerprint": ("kerasgan.kit.fingerprint", "SHA-256s of a run stage by stage plus the machine (write), or the first stage two runs differ at (compare)"),
}

# Commands that decode untrusted web content run in the ingestion environment (.venv-ingest, a
# maintained Python and Pillow; see docs/security.md#two-environments), all others in the legacy one (.venv).
INGEST_COMMANDS = ("download", "reshape", "pix2pix-square", "cartoon-download", "cartoon-prepare")
# The sweep driver runs in the sweep environment (.venv-sweep: a maintained Python with Dask).
SWEEP_COMMANDS = ("sweep",)
