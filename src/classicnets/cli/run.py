"""`classicnets run`: train the whole zoo on one dataset and write one report (the main job)."""

from __future__ import annotations

import argparse
import shlex
import time
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter, finite_float

EXAMPLES = """examples:
  classicnets run                                  # MNIST when available, else the bundled digits
  classicnets run --dataset fashion-mnist --out zoo-fashion
  classicnets run --quick                          # bundled digits, under 2 minutes
  classicnets run --models softmax,mlp,cnn --epochs-scale 0.5
  classicnets run --out zoo-fashion --resume       # finish an interrupted run
  classicnets run --quick --no-export              # the report only, no models for serving
"""


def add_parser(subparsers: Any) -> None:
    """Register `run`."""
    parser = subparsers.add_parser("run", help="train every model on one dataset and write report.html",
                                   epilog=EXAMPLES, formatter_class=HelpFormatter,
                                   description="Train the zoo of classic networks one after another on one dataset, "
                                               "then write DIR/report.html, DIR/summary.md and DIR/summary.json.")
    parser.add_argument("--dataset", help="any dataset `classicnets train` takes (default: mnist when available, "
                        "else the bundled digits; --quick: digits)")
    parser.add_argument("--models", help="comma-separated subset, e.g. softmax,mlp (default: all)")
    parser.add_argument("--epochs-scale", type=finite_float, default=1.0, help="multiply every model's epochs (default: 1)")
    parser.add_argument("--quick", action="store_true",
                        help="the bundled 8x8 digits with short training (the digits always train with these settings)")
    parser.add_argument("--out", type=Path, help="folder for the report and the runs (default: runs/zoo-<dataset>-<time>)")
    parser.add_argument("--resume", action="store_true", help="finish the interrupted run in --out")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress bars")
    parser.add_argument("--no-export", action="store_true",
                        help="train and report only: no DIR/models for serving (a run can be exported later with "
                             "classicnets export RUN_DIR)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Train, report; exit 1 when any model failed (the others' results are kept)."""
    from classicnets import runs, zoo
    from classicnets.errors import Interrupted, UserError
    from classicnets.zoo.plan import check_dataset

    started = time.perf_counter()
    if args.resume:
        if args.out is None:
            raise UserError("--resume needs --out: the folder of the run to finish")
        dataset, steps = zoo.reopen_zoo(args.out)
        out = args.out
    else:
        dataset = zoo.resolve_dataset("digits" if args.quick and args.dataset is None else args.dataset, notice=print)
        quick = args.quick or dataset == "digits"  # the bundled digits always get the settings sized for them
        steps = zoo.choose_steps(args.models.split(",") if args.models else None, quick, args.epochs_scale)
        if args.dataset is not None:  # before the folder is made: a bad dataset would fail every model
            check_dataset(dataset, steps)
        out = args.out or runs.default_run_dir("zoo", dataset)
        zoo.start_zoo(out, dataset, steps, notice=print)
    finish = f"finish it with: classicnets run --out {shlex.quote(str(out))} --resume"
    try:
        outcomes = zoo.run_zoo(out, dataset, steps, verbose=not args.quiet)
        not_exported = [] if args.no_export else zoo.export_models(out, outcomes)  # versions renamed in whole
    except KeyboardInterrupt as interrupt:  # the finished models are kept; --resume trains and exports the rest
        raise Interrupted(finish) from interrupt
    rows = zoo.write_report(out, outcomes, dataset, command=command_of(args), seconds=time.perf_counter() - started)
    print(zoo.markdown_table(rows))
    print(f"report: {out / 'report.html'}")
    if (out / zoo.MODELS_FOLDER).is_dir():
        print(f"models for TensorFlow Serving: {out / zoo.MODELS_FOLDER}")
    failed = [outcome.name for outcome in outcomes if outcome.status == "failed"]
    if failed:
        print(f"failed: {', '.join(failed)} (the others finished; see their rows)")
    if not_exported:
        print(f"not exported: {', '.join(not_exported)} (their runs are kept; try classicnets export RUN_DIR --out "
              f"{shlex.quote(str(out / zoo.MODELS_FOLDER))})")
    return 1 if failed or not_exported else 0


def command_of(args: argparse.Namespace) -> str:
    """The command line of this zoo run as the report shows it."""
    from classicnets.zoo.facts import command_line

    words = ["run"]
    for flag, value in (("--dataset", args.dataset), ("--models", args.models), ("--out", args.out)):
        if value is not None:
            words += [flag, str(value)]
    if args.epochs_scale != 1.0:
        words += ["--epochs-scale", str(args.epochs_scale)]
    words += [flag for flag, on in (("--quick", args.quick), ("--resume", args.resume), ("--quiet", args.quiet),
                                    ("--no-export", args.no_export)) if on]
    return command_line(words)
