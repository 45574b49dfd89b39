"""The two commands `python -m kerasgan adversarial-mnist|adversarial-cifar10 --mode train|generate`."""


def configure(parser, pipeline):
    from . import train
    from ...kit import cli
    parser.add_argument("--mode", choices=("train", "generate"), default="train",
                        help="train (resumes a stopped run) or generate samples from a run")
    train.configure(parser, pipeline)
    cli.sample_arguments(parser, "last", "generate: last (the latest checkpoint), best, best-fid "
                                         "(lowest FID of an EVAL_N run) or a kept epoch")


def main(args, pipeline):
    if args.mode == "generate":
        from . import generate
        return generate.main(pipeline, args)
    from . import train
    return train.main(pipeline, args)
