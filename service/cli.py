"""The `unea-mandates` console script: one sub-command per module of service/commands/.

Thin wiring only: each command module parses its arguments and calls the layers below.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name → module under service.commands; each module defines `register(subparsers)`.
COMMANDS = ("extract", "classify", "ingest", "reindex", "search", "serve", "eval", "train")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unea-mandates",
        description="Find, classify and search mandates in UN Environment Assembly texts.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"service.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"service.commands.{name}":
                raise
            stub = sub.add_parser(name, help=f"{name} (not built yet)")
            stub.set_defaults(func=_not_built(name))
            continue
        module.register(sub)
    return parser


def _not_built(name: str):
    def run(_args: argparse.Namespace) -> int:
        print(f"unea-mandates {name}: not built yet", file=sys.stderr)
        return 2

    return run


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `unea-mandates search … | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
