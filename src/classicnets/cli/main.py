"""The `classicnets` command: parses the sub-command, runs it, turns user errors into exit status 2 and a bug
of ours into a short request for a report (exit 1; --debug or CLASSICNETS_DEBUG=1 show the traceback).

Parsing imports no TensorFlow (the model families' options are plain dataclasses), so help pages, --version
and argument errors answer at once; TensorFlow is loaded only when a command runs that needs it."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import NoReturn

from classicnets.version import __version__
from classicnets.cli import (
    cache, compare, complete, datasets, encode, evaluate, export, generate, models, predict, reconstruct, run, sample, serve, train,
    translate,
)
from classicnets.cli.common import HelpFormatter
from classicnets.cli.quiet import import_tensorflow_quietly
from classicnets.errors import SettingsError, UserError
from classicnets.files import CAUSES

EXAMPLES = """examples:
  classicnets run                            # train the whole zoo, write report.html (the main job)
  classicnets datasets                       # what data is here
  classicnets cache                          # the decoded images of image folders (--clear)
  classicnets models                         # what can be trained, with options
  classicnets train mlp --epochs 5           # train; writes runs/mlp-<dataset>-<time>/
  classicnets evaluate runs/<run>            # test metrics again
  classicnets predict runs/<run> digit.png   # classify your own images
  classicnets generate runs/<cgan run> --label 7 --out sevens.png   # draw images with a GAN
  classicnets complete runs/<autocomplete run> wor   # complete a word
  classicnets translate runs/<seq2seq run> love      # translate a word
  classicnets reconstruct runs/<autoencoder run>     # test images above their reconstructions
  classicnets compare runs/<run> runs/<run>          # one table of several runs
  classicnets export runs/<run> --out models         # a TensorFlow Serving model (and ONNX)
  classicnets serve models                           # serve it: TF Serving REST API and KServe v2
"""


class Parser(argparse.ArgumentParser):
    """argparse's parser, but a usage error is one line and a pointer to --help, not the whole usage first
    (the sub-commands' parsers are of this class too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\nSee `{self.prog} --help` for the options and examples.\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = Parser(prog="classicnets", description="Train, evaluate and use the classic neural networks.",
                    epilog=EXAMPLES, formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"classicnets {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error "
                        "(also: CLASSICNETS_DEBUG=1)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (run, train, evaluate, predict, generate, datasets, cache, models, complete, translate,
                   reconstruct, encode, sample, compare, export, serve):
        module.add_parser(subparsers)
    return parser


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line parsed (`train --network FILE` is `train network --network FILE`)."""
    return build_parser().parse_args(train.network_shorthand(argv))


def main(argv: list[str] | None = None) -> int:
    """Entry point: exit 0 on success, 2 on bad input or usage, 1 on a bug of ours, 130 when interrupted, 141 when
    the program reading the output closed it early."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)  # help pages, --version and usage errors end here, without TensorFlow
    debug = args.debug or os.environ.get("CLASSICNETS_DEBUG", "") not in ("", "0")
    try:
        if getattr(args, "needs_tensorflow", True):
            import_tensorflow_quietly()  # before any command module loads TensorFlow
        status = args.handler(args)
        sys.stdout.flush()  # a closed pipe is told here, not at exit
        return status
    except UserError as error:  # a SettingsError names Python arguments: here they are flags (--lr)
        message = error.naming(train.flag_of) if isinstance(error, SettingsError) else str(error)
        print(f"classicnets {args.command}: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`classicnets models | head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit stays quiet
        return 141  # 128 + SIGPIPE, as the shell reports a program stopped by a closed pipe
    except OSError as error:  # the machine said no (a file, a disk, a permission), not the program
        if debug:
            raise
        print(f"classicnets {args.command}: error: {describe_os_error(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        # training and the zoo say how to continue (errors.Interrupted); before they began, nothing was written
        default = "nothing new was saved; run the same command again" if args.command in ("train", "run") else "stopped"
        print(f"\ninterrupted; {getattr(interrupt, 'hint', default)}", file=sys.stderr)
        return 130
    except Exception as error:
        if debug:
            raise
        print(bug_report(args.command, argv, error), file=sys.stderr)
        return 1


def describe_os_error(error: OSError) -> str:
    """'PATH: cause' for an OSError, the way the user reads it."""
    cause = CAUSES.get(error.errno or 0, (error.strerror or str(error),))[0]
    path = error.filename if error.filename is not None else "a file"
    return f"cannot use {path}: {cause}"


def bug_report(command: str, argv: list[str], error: Exception) -> str:
    """What the user sees when classicnets itself failed: the error in one line and what to send us."""
    first_line = (str(error).strip().splitlines() or [""])[0][:300]
    return (f"classicnets {command}: internal error: {type(error).__name__}: {first_line}\n"
            f"This is a bug in classicnets {__version__}, not in what you gave it. Please report it with this "
            f"command line: classicnets {shlex.join(argv)}\n"
            "(run it again with --debug before the command, or CLASSICNETS_DEBUG=1, to see the traceback)")


if __name__ == "__main__":
    sys.exit(main())
