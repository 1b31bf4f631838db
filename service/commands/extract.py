"""`unea-mandates extract PATH... [--format jsonl|table] [--no-classify]`: mandates found in documents."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING

from extractors.pipeline import extract_path, iter_document_paths
from extractors.schema import Mandate, UnreadableDocument
from service.settings import Settings
from service.usecases.services import Services

if TYPE_CHECKING:
    from labelling import Labeller


def register(subparsers) -> None:
    parser = subparsers.add_parser("extract", help="find the mandates in UNEA documents (files or folders)")
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="PDF, DOCX, text or registry JSON files, or folders"
    )
    parser.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    parser.add_argument(
        "--no-classify",
        action="store_true",
        help="do not fill labels with the classifier (document-stated and rule labels, then reviewed labels)",
    )
    parser.set_defaults(func=run)


def _labeller(services: Services, classify: bool) -> Labeller:
    """The labelling path `ingest` takes (Services.labeller): the configured classifier
    (UNEA_MANDATES_MODEL, else the home's promoted release, else the shipped weights), then the home's
    reviewed labels on top; document-stated labels always win over the model's."""
    try:
        return services.labeller(classify, must_classify=True)
    except Exception as exc:  # no weights yet, etc.: say so once, keep the mandates
        print(
            f"warning: classifier unavailable ({exc}); action areas left as the documents state them",
            file=sys.stderr,
        )
        return services.labeller(classify=False)


def mandate_record(mandate: Mandate) -> dict:
    record = mandate.model_dump(mode="json")
    record["citation"] = mandate.citation
    return record


def _table_rows(mandates: list[Mandate]) -> list[str]:
    header = ("resolution", "para", "actor", "addressee", "area", "verb", "text")
    rows = [header] + [
        (
            m.resolution,
            m.paragraph or "-",
            _actor_cell(m),
            _short(m.actor_entity or m.actor_text or "-", 40),
            m.action_area or "-",
            m.verb or "-",
            _short(_own_text(m), 90),
        )
        for m in mandates
    ]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header) - 1)]
    return [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1] for row in rows
    ]


def _actor_cell(mandate: Mandate) -> str:
    """The actor, marked "?" when a model guessed it and "(none)" when no addressee could be read."""
    if mandate.actor_source == "none":
        return "(none)"
    if mandate.actor is None:
        return "-"
    return f"{mandate.actor}?" if mandate.actor_source == "model" else mandate.actor


def _own_text(mandate: Mandate) -> str:
    """A subparagraph's own words ("… (b) Report to …"): its lead repeats in every row of the table."""
    paragraph = mandate.paragraph or ""
    if "(" not in paragraph:
        return mandate.text
    label = paragraph[paragraph.rfind("(") :]
    at = mandate.text.rfind(f" {label} ")
    return "… " + mandate.text[at + 1 :] if at > 0 else mandate.text


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _width(text: str) -> int:
    # wide characters (Chinese, full-width forms) take two columns in a terminal
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def run(args: argparse.Namespace, settings: Settings) -> int:
    with Services(settings) as services:
        return _run(args, services)


def _run(args: argparse.Namespace, services: Services) -> int:
    paths = list(iter_document_paths(args.paths))
    labeller: Labeller | None = None  # made at the first mandates: the classifier loads only when needed
    progress = None
    if len(paths) > 1:
        from tqdm import tqdm

        progress = tqdm(total=len(paths), desc="extracting", unit="file", file=sys.stderr)
    totals: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    errors = 0
    out = sys.stdout
    table_mandates: list[Mandate] = []
    for path in paths:
        try:
            result = extract_path(path)
        except UnreadableDocument as exc:
            errors += 1
            _error(progress, f"error: {path}: {exc.reason}")
        except (OSError, ValueError) as exc:  # missing file, permission, undecodable: the batch goes on
            errors += 1
            _error(progress, f"error: {path}: {exc.__class__.__name__}: {exc}")
        else:
            mandates = result.mandates
            if mandates:
                labeller = labeller or _labeller(services, not args.no_classify)
                mandates = labeller.label(mandates)
            totals["documents"] += 1
            totals["resolutions"] += len(result.resolutions)
            totals["mandates"] += len(mandates)
            for item in result.skipped:
                skipped[item.reason] += 1
            if args.format == "jsonl":
                for mandate in mandates:
                    out.write(json.dumps(mandate_record(mandate), ensure_ascii=False) + "\n")
                out.flush()
            else:
                table_mandates.extend(mandates)
        if progress is not None:
            progress.update(1)
    if progress is not None:
        progress.close()
    if args.format == "table":
        for line in _table_rows(table_mandates):
            out.write(line + "\n")
    summary = (
        f"{totals['documents']} documents, {totals['resolutions']} resolutions, "
        f"{totals['mandates']} mandates, {sum(skipped.values())} skipped items, {errors} errors"
    )
    print(summary, file=sys.stderr)
    for reason, count in skipped.most_common():
        print(f"  skipped {count:>5}  {reason}", file=sys.stderr)
    return 1 if errors else 0


def _error(progress, line: str) -> None:
    if progress is not None:
        progress.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)
