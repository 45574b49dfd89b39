"""`python -m kerasgan dcgan`: keras-dcgan's own command line, plus our run options.

    python -m kerasgan dcgan --mode train --batch_size 128 [--path DIR]
    python -m kerasgan dcgan --mode generate --batch_size 128 [--nice]

--mode, --batch_size and --nice are the original's; --path its fork's (a folder of one's own
images); --run, --epochs, --seed, --data and the rest are ours (defaults in train.DEFAULTS).
"""
from . import PIPELINE, generate, train
from ...errors import UserError
from ...kit import cli


def configure(parser):
    d = train.DEFAULTS
    parser.add_argument("--mode", required=True, choices=("train", "generate"),
                        help="train, or generate from a run's latest weights")
    parser.add_argument("--batch_size", "--batch-size", dest="batch_size", type=int,
                        default=d["batch_size"], help="batch size (original 128); generate: samples kept")
    parser.add_argument("--nice", action="store_true",
                        help="generate: keep the batch the discriminator scores highest of 20 x batch")
    parser.add_argument("--path", default=None,
                        help="train: a folder of one's own images (grey, resized to 28x28) instead of --data")
    cli.run_arguments(parser, PIPELINE, d)
    parser.add_argument("--data", default=d["data"],
                        help="mnist (Keras download/cache), digits (embedded UCI digits, offline) "
                             "or the path of an mnist.npz")
    cli.train_arguments(parser, d, 100, "weights + checkpoint every N batches (original 10)")
    parser.add_argument("--grid-every", type=int, default=d["grid_every"],
                        help="<epoch>_<index>.png every N batches (original 20)")
    parser.add_argument("--quality-n", type=int, default=d["quality_n"],
                        help="samples judged by the digit classifier at each epoch's end")
    parser.add_argument("--loop", default="ours", choices=("ours", "original"),
                        help="train: ours (resumable, quality figures) or the original's loop as written")


def main(args):
    if args.mode == "train":
        if args.nice:
            raise UserError("--nice only applies to --mode generate")
        if args.loop == "original":
            from . import original
            return original.main(args)
        return train.main(args)
    generate.generate(args.run, args.batch_size, args.nice, args.seed,
                      log=lambda *a: print(*a, flush=True))
    return 0
