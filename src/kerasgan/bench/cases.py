"""The bench cases, by name: one entry per thing we time. Add yours with a few lines.

A case names two functions, "module:function", each taking a params dict and returning
{"value": <number in the case's unit>, "samples": [...], ...anything else worth keeping}.
They run in a subprocess (kerasgan.bench.worker) of the case's environment: "legacy" (.venv) or
"ingest" (.venv-ingest). `params` is the case's own dict (or `quick` under BENCH_QUICK=1) plus
the common keys seed, threads and unit. The variants alternate over `rounds` rounds; BENCH_EPOCHS
sets the rounds of the cases made with bench_epochs=True (the slow full-size ones: one measured
epoch per round).

A case made with opt_in=True runs only when BENCH_CASES names it (and in BENCH_QUICK=1 runs);
otherwise it is listed as skipped. A case whose `pending` is set is listed with that reason and not run: a table slot for a pipeline
that is being built elsewhere. When it lands, replace `pending=...` by its two functions.
"""


class Case(object):
    def __init__(self, title, unit, better, ours=None, reference=None, labels=("ours", "reference"),
                 params=None, quick=None, env="legacy", pending=None, note="", bench_epochs=False,
                 opt_in=False, rounds=1, ours_env=None):
        assert better in ("lower", "higher"), better
        self.title, self.unit, self.better = title, unit, better
        self.ours, self.reference = ours, reference
        self.labels = {"ours": labels[0], "reference": labels[1]}
        self.params, self.quick = dict(params or {}), dict(quick or params or {})
        self.env, self.pending, self.note = env, pending, note
        # each variant's environment: "legacy" (.venv), "ingest" or "mkl" (.venv-mkl, opt-in)
        self.envs = {"ours": ours_env or env, "reference": env}
        self.bench_epochs = bench_epochs   # BENCH_EPOCHS sets params["epochs"] (full-size cases)
        self.opt_in = opt_in               # run only when named in BENCH_CASES (or BENCH_QUICK=1)
        # ours, reference, ours, reference, ...: each round a fresh subprocess per variant, so a
        # change in the machine's load hits both; the value is the median of the rounds' values.
        # With bench_epochs, BENCH_EPOCHS sets the rounds (of params["epochs"] epochs each).
        self.rounds = rounds

    def ratio(self, ours, reference):
        """Our speed / the reference's speed (> 1: ours is faster)."""
        if not ours or not reference:
            return None
        return reference / ours if self.better == "lower" else ours / reference


GAN = "kerasgan.bench.gan:"
INGEST = "kerasgan.bench.ingest_cases:"
DCGAN = "kerasgan.bench.dcgan_case:"
PIX2PIX = "kerasgan.bench.pix2pix_case:"

CASES = {
    # 1. The Pikachu GAN at the original's size: nch 512, h 7, 724 images of 32x32, batch 32.
    "gan-full": Case(
        "Pikachu GAN, full size (nch 512, h 7, 724 images)", "s/epoch", "lower",
        ours=GAN + "ours", reference=GAN + "reference",
        labels=("make train's _Run.train_epoch", "plain train_on_batch loop"),
        params=dict(nch=512, kernel=7, images=724, epochs=1, warmup_batches=2), rounds=2,
        quick=dict(nch=8, kernel=3, images=40, epochs=1, warmup_batches=1),
        note="median seconds per epoch (one per round) after a warm-up of a few batches",
        bench_epochs=True),
    # 2. The demo's configuration: per-step overhead dominates.
    "gan-demo": Case(
        "Pikachu GAN, demo size (nch 64, h 3, 81 images)", "epochs/s", "higher",
        ours=GAN + "ours", reference=GAN + "reference",
        labels=("make train's _Run.train_epoch", "plain train_on_batch loop"),
        params=dict(nch=64, kernel=3, images=81, epochs=10, warmup_batches=3), rounds=3,
        quick=dict(nch=8, kernel=3, images=40, epochs=2, warmup_batches=1),
        note="1 / median seconds per epoch"),
    # The user's comparison: `make train` (1 intra-op thread, for the same bytes everywhere) next to
    # a plain script in TF's default session (every core). Opt-in: BENCH_CASES=gan-*-tfdefault.
    "gan-full-tfdefault": Case(
        "Pikachu GAN, full size; reference in TF's default session (all cores)", "s/epoch", "lower",
        ours=GAN + "ours", reference=GAN + "reference",
        labels=("make train's _Run.train_epoch", "plain loop, TF's default session"),
        params=dict(nch=512, kernel=7, images=724, epochs=1, warmup_batches=2,
                    reference_session="tf-default"), rounds=2,
        quick=dict(nch=8, kernel=3, images=40, epochs=1, warmup_batches=1,
                   reference_session="tf-default"),
        note="ours as make train; the reference as a plain script", bench_epochs=True, opt_in=True),
    "gan-demo-tfdefault": Case(
        "Pikachu GAN, demo size; reference in TF's default session (all cores)", "epochs/s", "higher",
        ours=GAN + "ours", reference=GAN + "reference",
        labels=("make train's _Run.train_epoch", "plain loop, TF's default session"),
        params=dict(nch=64, kernel=3, images=81, epochs=10, warmup_batches=3,
                    reference_session="tf-default"), rounds=3,
        quick=dict(nch=8, kernel=3, images=40, epochs=2, warmup_batches=1,
                   reference_session="tf-default"),
        note="ours as make train; the reference as a plain script", opt_in=True),
    # The MKL-DNN build (opt-in environment): make train in .venv-mkl next to the plain loop on
    # PyPI's TensorFlow, both in the seeded session; and the plain loop in TF's default session.
    "gan-full-mkl": Case(
        "Pikachu GAN, full size; ours on intel-tensorflow (MKL-DNN)", "s/epoch", "lower",
        ours=GAN + "ours", reference=GAN + "reference", ours_env="mkl",
        labels=("make train's _Run.train_epoch, .venv-mkl", "plain loop, PyPI's TensorFlow"),
        params=dict(nch=512, kernel=7, images=724, epochs=1, warmup_batches=2), rounds=2,
        quick=dict(nch=8, kernel=3, images=40, epochs=1, warmup_batches=1),
        note="needs make setup FLAVOUR=mkl", bench_epochs=True, opt_in=True),
    "gan-full-mkl-tfdefault": Case(
        "Pikachu GAN, full size; ours on MKL-DNN, reference in TF's default session", "s/epoch",
        "lower", ours=GAN + "ours", reference=GAN + "reference", ours_env="mkl",
        labels=("make train's _Run.train_epoch, .venv-mkl", "plain loop, TF's default session"),
        params=dict(nch=512, kernel=7, images=724, epochs=1, warmup_batches=2,
                    reference_session="tf-default"), rounds=2,
        quick=dict(nch=8, kernel=3, images=40, epochs=1, warmup_batches=1,
                   reference_session="tf-default"),
        note="needs make setup FLAVOUR=mkl", bench_epochs=True, opt_in=True),
    # 3. The other pipelines' trainers, each against a plain loop of the same model.
    "keras-dcgan": Case(
        "keras-dcgan (MNIST DCGAN, batch 128)", "steps/s", "higher",
        ours=DCGAN + "ours", reference=DCGAN + "reference",
        labels=("make dcgan-train's loop", "the original's loop"),
        params=dict(batch_size=128, batches=20), rounds=2,
        quick=dict(batch_size=8, batches=3),
        note="second epoch of `batches` batches of synthetic digits; both with their saves"),
    # The cartoon DCGAN at the demo's size (nf 16, kernel 4, batch 16): GAN epochs.
    "cartoon": Case(
        "cartoon DCGAN 64x64, demo size (nf 16, kernel 4, 480 images, batch 16)", "s/epoch", "lower",
        ours="kerasgan.bench.cartoon_case:ours", reference="kerasgan.bench.cartoon_case:reference",
        labels=("make cartoon-train's _Run.train_epoch", "plain train_on_batch loop"),
        params=dict(nf=16, kernel=4, batch=16, images=480, epochs=2), rounds=2,
        quick=dict(nf=4, kernel=3, batch=16, images=32, epochs=1),
        note="median seconds per GAN epoch after a warm-up epoch"),
    "pix2pix": Case(
        "pix2pix (U-Net 256 + PatchGAN, NGF 64, batch 1)", "steps/s", "higher",
        ours=PIX2PIX + "ours", reference=PIX2PIX + "reference",
        labels=("make pix2pix-train's _Run.train_epoch", "plain train_on_batch loop"),
        params=dict(size=256, ngf=64, pairs=8, epochs=1, warmup_steps=2), rounds=2,
        quick=dict(size=32, ngf=4, pairs=2, epochs=1, warmup_steps=1),
        note="an epoch of `pairs` synthetic pairs after a warm-up of a few steps"),
    # 4. The filter CNN's inference: `filter score` predicts in batches, the original per image.
    "filter": Case(
        "Filter CNN inference (32x32, 3,940 parameters)", "images/s", "higher",
        ours=INGEST + "filter_batched", reference=INGEST + "filter_one_by_one",
        labels=("model.predict, batches of 32", "one predict per image (original)"),
        params=dict(images=1024), quick=dict(images=16), rounds=3,
        note="model only: decoding the files is not timed"),
    # 5. Reshape: sequential as the original, or our pool of limited worker processes.
    "reshape": Case(
        "Reshape to 256x256 JPEG (synthetic 1280x960 inputs)", "images/s", "higher",
        ours="kerasgan.bench.reshape_case:parallel", reference="kerasgan.bench.reshape_case:sequential",
        labels=("run_pool, one worker per core", "one process, file after file"),
        params=dict(images=150, width=1280, height=960), quick=dict(images=4, width=64, height=48),
        rounds=2,
        env="ingest", note="runs in .venv-ingest"),
    # 6. The sweep engine's own cost: make sweep on one local worker vs the same make calls in turn.
    "sweep": Case(
        "make sweep's overhead (4 tiny MNIST GAN points, one worker)", "s", "lower",
        ours="kerasgan.bench.sweep_case:sweep", reference="kerasgan.bench.sweep_case:one_by_one",
        labels=("make sweep, a local cluster of 1 worker", "make adversarial-mnist-train x 4"),
        params=dict(points=4, limit=128, epochs=2), quick=dict(points=1, limit=32, epochs=1),
        env="sweep", note="wall seconds for all points; the sweep's include its report; runs in .venv-sweep"),
}
