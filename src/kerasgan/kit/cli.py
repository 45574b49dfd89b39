"""The command-line arguments every pipeline's stages share, declared once.

A stage's `configure(parser)` calls `run_arguments` (every stage: --run, --seed), `train_arguments`
(a trainer: --epochs, --save-every, --keep-snapshots, --deterministic, --dry-run, from its DEFAULTS
table; a key missing from the table leaves its flag out) and `sample_arguments` (generate/test:
--n, --epoch), then adds its own. The Makefile's RUN, SEED, EPOCHS, N and EPOCH map onto these.
"""


def run_arguments(parser, pipeline, defaults=None):
    defaults = defaults or {}
    parser.add_argument("--run", default=defaults.get("run", "default"),
                        help="run name: OUT_DIR/%s/<RUN>/ (the same RUN again resumes it)" % pipeline)
    parser.add_argument("--seed", type=int, default=defaults.get("seed", 0),
                        help="the one seed of the run")


def train_arguments(parser, defaults, original, save_every_help):
    """ORIGINAL: the original's number of epochs, for the help text."""
    parser.add_argument("--epochs", type=int, default=defaults["epochs"],
                        help="epochs in all (original %s); a larger value extends a finished run"
                             % original)
    parser.add_argument("--save-every", type=int, default=defaults["save_every"], help=save_every_help)
    if "keep_snapshots" in defaults:
        parser.add_argument("--keep-snapshots", type=int, default=defaults["keep_snapshots"],
                            help="how many grid epochs keep their weights (generate/test EPOCH=<n>)")
    if "deterministic" in defaults:
        parser.add_argument("--deterministic", type=int, choices=(0, 1),
                            default=defaults["deterministic"],
                            help="1: TF_CUDNN_DETERMINISTIC + tensorflow-determinism (GPU only matters)")
    parser.add_argument("--dry-run", action="store_true", help="print the resolved config and stop")


def sample_arguments(parser, epoch, epoch_help, n=100):
    parser.add_argument("--n", type=int, default=n, help="number of samples")
    parser.add_argument("--epoch", default=epoch, help=epoch_help)
