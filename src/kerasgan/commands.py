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
    "train": ("kerasgan.pipelines.pikachu.train", "train the Pikachu GAN (issue 5) into OUT_DIR/pikachu/<RUN>/; resumes a stopped run"),
    "generate": ("kerasgan.pipelines.pikachu.generate", "sample a Pikachu GAN run (EPOCH=best|last|<n>, NICE=1 keeps the discriminator's favourites)"),
    "bench": ("kerasgan.bench.run", "time our trainers and stages next to plain reference loops; OUT_DIR/bench/<time>.json"),
    "report": ("kerasgan.report", "write OUT_DIR/<pipeline>/<RUN>/report.html: every stage's counts, curves and images"),
}

# Commands that decode untrusted web content run in the ingestion environment (.venv-ingest, a
# maintained Python and Pillow; see README "Security"), all others in the legacy one (.venv).
INGEST_COMMANDS = ("download", "reshape")
