"""`classicnets run`: train the whole zoo on one dataset and write one report (the main job)."""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import time
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter, PrintConfig, finite_float
from classicnets.config import ZooConfig

EXAMPLES = """examples:
  classicnets run                                  # MNIST when available, else the bundled digits
  classicnets run --dataset fashion-mnist --out zoo-fashion
  classicnets run --quick                          # bundled digits, under 2 minutes
  classicnets run --models softmax,mlp,cnn --epochs-scale 0.5
  classicnets run --out zoo-fashion --resume       # finish an interrupted run
  classicnets run --quick --no-export              # the report only, no models for serving
  classicnets run --config zoo.toml --out zoo-b    # settings from a TOML file; flags override it
  classicnets run --quick --add my_net.py:build    # your own network in the zoo's report, beside the notes'
"""
ZOO_FLAGS = tuple(field.name for field in dataclasses.fields(ZooConfig))  # dataset, models, ..., no_export


def add_parser(subparsers: Any) -> None:
    """Register `run`."""
    parser = subparsers.add_parser("run", help="train every model on one dataset and write report.html",
                                   epilog=EXAMPLES, formatter_class=HelpFormatter,
                                   description="Train the zoo of classic networks one after another on one dataset, "
                                               "then write DIR/report.html, DIR/summary.md and DIR/summary.json.")
    parser.add_argument("--dataset", help="any dataset `classicnets train` takes (default: mnist when available, "
                        "else the bundled digits; --quick: digits)")
    parser.add_argument("--models", help="comma-separated subset, e.g. softmax,mlp (default: all)")
    parser.add_argument("--epochs-scale", type=finite_float, help="multiply every model's epochs (default: 1)")
    parser.add_argument("--quick", action="store_true", default=None,
                        help="the bundled 8x8 digits with short training (the digits always train with these settings)")
    parser.add_argument("--out", type=Path, help="folder for the report and the runs (default: runs/zoo-<dataset>-<time>)")
    parser.add_argument("--resume", action="store_true", help="finish the interrupted run in --out")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress bars")
    parser.add_argument("--no-export", action="store_true", default=None,
                        help="train and report only: no DIR/models for serving (a run can be exported later with "
                             "classicnets export RUN_DIR)")
    parser.add_argument("--add", dest="networks", action="append", metavar="NETWORK",
                        help="also train your own Keras network, FILE.py:FUNCTION or FILE.keras (as `classicnets train "
                             "--network` takes it), on the zoo's data and give it a row of the report; repeatable")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="read the settings from a TOML file: dataset, models (a list), epochs_scale, quick, out, "
                             "no_export, networks (a list); flags given override it")
    parser.add_argument("--print-config", action=PrintConfig,
                        help="print the settings as TOML (what --config reads) and exit without training")
    parser.set_defaults(handler=run)


def zoo_config_of(args: argparse.Namespace) -> ZooConfig:
    """The zoo's settings: the flags given, over the --config file's."""
    from classicnets.settings import build_zoo_config

    given = {name: getattr(args, name) for name in ZOO_FLAGS if getattr(args, name) is not None}
    if "models" in given:
        given["models"] = tuple(name for name in given["models"].split(",") if name)
    if "networks" in given:
        given["networks"] = tuple(given["networks"])
    if "out" in given:
        given["out"] = str(given["out"])
    return build_zoo_config(given, args.config)


def run(args: argparse.Namespace) -> int:
    """Train, report; exit 1 when any model failed (the others' results are kept)."""
    settings = zoo_config_of(args)
    if args.print_config:
        from classicnets.settings import zoo_config_toml

        print(zoo_config_toml(settings), end="")
        return 0
    from classicnets import runs, zoo
    from classicnets.errors import Interrupted, UserError
    from classicnets.zoo.plan import check_dataset

    started = time.perf_counter()
    if args.resume:
        if settings.out is None:
            raise UserError("--resume needs --out: the folder of the run to finish")
        out = Path(settings.out)
        dataset, steps = zoo.reopen_zoo(out)
    else:
        quick = settings.quick
        dataset = zoo.resolve_dataset("digits" if quick and settings.dataset is None else settings.dataset, notice=print)
        quick = quick or dataset == "digits"  # the bundled digits always get the settings sized for them
        steps = zoo.choose_steps(list(settings.models) if settings.models else None, quick, settings.epochs_scale,
                                 list(settings.networks))
        if settings.dataset is not None:  # before the folder is made: a bad dataset would fail every model
            check_dataset(dataset, steps)
        out = Path(settings.out) if settings.out is not None else runs.default_run_dir("zoo", dataset)
        zoo.start_zoo(out, dataset, steps, notice=print)
    finish = f"finish it with: classicnets run --out {shlex.quote(str(out))} --resume"
    try:
        outcomes = zoo.run_zoo(out, dataset, steps, verbose=not args.quiet)
        not_exported = [] if settings.no_export else zoo.export_models(out, outcomes)  # versions renamed in whole
    except KeyboardInterrupt as interrupt:  # the finished models are kept; --resume trains and exports the rest
        raise Interrupted(finish) from interrupt
    command = command_of(settings, resume=args.resume, quiet=args.quiet)
    rows = zoo.write_report(out, outcomes, dataset, command=command, seconds=time.perf_counter() - started)
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


def command_of(settings: ZooConfig, resume: bool, quiet: bool) -> str:
    """The command line of this zoo run as the report shows it: its settings as flags (a --config file's too)."""
    from classicnets.zoo.facts import command_line

    words = ["run"]
    models = ",".join(settings.models) if settings.models else None
    for flag, value in (("--dataset", settings.dataset), ("--models", models), ("--out", settings.out)):
        if value is not None:
            words += [flag, str(value)]
    for network in settings.networks:
        words += ["--add", network]
    if settings.epochs_scale != 1.0:
        words += ["--epochs-scale", str(settings.epochs_scale)]
    words += [flag for flag, on in (("--quick", settings.quick), ("--resume", resume), ("--quiet", quiet),
                                    ("--no-export", settings.no_export)) if on]
    return command_line(words)
