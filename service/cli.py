"""The `unea-mandates` console script: one sub-command per module of service/commands/.

Thin wiring only: the settings are read here, once; each command module parses its arguments
and calls a use case (service.usecases) or, for extract / eval / train, the layer below.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from service.settings import Settings

# name → module under service.commands; each defines `register(subparsers)`, whose parser's
# `func(args, settings)` runs the command and returns its exit code.
COMMANDS = ("extract", "classify", "ingest", "reindex", "search", "export", "serve", "eval", "train", "plan", "labels")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unea-mandates",
        description="Find, classify and search mandates in UN Environment Assembly texts.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"service.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"unea-mandates {args.command}: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `unea-mandates search … | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
