"""The shared training kit: what every GAN pipeline here calls instead of writing its own.

    files        atomic writes (temp file + rename, the user's umask), JSON, sha256
    runfolder    OUT_DIR/<pipeline>/<run>/: file names, config check, history.csv
    checkpoint   complete resume: any number of named models and optimizers, epoch, RNG, config
    seeds        independent numpy streams derived from the one SEED
    determinism  the seeded TensorFlow session with fixed thread pools (seed_everything)
    judge        the cached judge classifiers (trained once per data set, in a session of their own)
    progress     progress line with ETA, SIGINT/SIGTERM -> checkpoint and stop, quiet TensorFlow
    grids        image grids, PNG and the timelapse GIF
    metrics      mode-collapse / memorisation figures of generated samples
    summary      summary.json, the machine-readable end of a run (the report reads it)
    loop         the one epoch loop (Trainer protocol, train): resume, cadence, signals, NaN,
                 TensorBoard, "finished"; every epoch-based pipeline trains through it
    cli          the command-line arguments every stage shares (--run, --seed, --epochs, ...)
    runs         open_run(pipeline, run) and Run.weights(best|last|best-fid|<epoch>): what every
                 pipeline's load_generator (generate, test, reports) opens a run with
    adversarial  keras-adversarial's simultaneous GAN as a loop.Trainer (AdversarialRun), shared
                 by the Pikachu GAN and the keras-adversarial book examples

None of these import TensorFlow at import time; files, runfolder and grids need only the
standard library, numpy and Pillow, so the ingestion environment may use them too.
"""
