"""`unea-mandates classify [TEXT] [--format jsonl|table]`: action area, actor and partners of a text.

TEXT (or stdin) is one draft; the mandates inside it (numbered paragraphs, sub-paragraphs, bare
sentences) are found by extractors.pipeline.extract_draft and each classified. With `--format jsonl`,
stdin holds one JSON object per line with a `text` field; the output has exactly one JSON object per
input line, in order; a line that is not a JSON object with a text gets `{"error": …}` and the run goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from service.settings import Settings
from service.usecases.classify import classify_draft
from service.usecases.errors import InvalidRequest
from service.usecases.results import ClassifyRequest
from service.usecases.reviews import reviewed_labels
from service.usecases.services import Services

if TYPE_CHECKING:
    from corpus.corrections import ReviewedLabels
    from models.classifiers import MandateClassifier


def register(subparsers) -> None:
    parser = subparsers.add_parser("classify", help="classify a text's mandates by action area and actor")
    parser.add_argument("text", nargs="?", help="the text (default: stdin)")
    parser.add_argument("--language", help="ar | en | es | fr | ru | zh (default: detected)")
    parser.add_argument("--model", metavar="DIR", help="weights written by `unea-mandates train --out DIR` "
                        "(default: $UNEA_MANDATES_MODEL, else the shipped weights)")
    parser.add_argument(
        "--format",
        choices=("jsonl", "table"),
        default="table",
        help='jsonl: one JSON object out for TEXT, or stdin holds one {"text": …} object per line and '
        "each line gets one object out, in order; table (default): readable output, stdin is one draft",
    )
    parser.set_defaults(func=run)


def classify_text(text: str, language: str | None = None, reviewed: ReviewedLabels | None = None,
                  classifier: MandateClassifier | None = None) -> dict:
    """The output object for one text: the whole-text reading plus its mandates, each classified
    (the same mandates as POST /v1/classify, without the precedents); `reviewed`: the home's
    corrections (a reviewed mandate's exact text gets its reviewed labels); `classifier`: default the
    shipped model."""
    from models.classifiers import get_default_classifier

    result = classify_draft(
        ClassifyRequest(text=text, language=language), classifier or get_default_classifier(), whole_text=True,
        reviewed=reviewed,
    )
    whole = result.whole.model_dump() if result.whole is not None else {}
    records = [{**m.model_dump(exclude={"precedents"}), "is_mandate": True} for m in result.mandates]
    return {
        "text": text,
        **whole,
        "is_mandate": bool(records),
        "mandates": records,
        "note": result.note,
    }


def _table(record: dict) -> str:
    lines = []
    rows = [record] + record["mandates"]
    for i, r in enumerate(rows):
        label = "text" if i == 0 else f"mandate {r.get('paragraph') or i}"
        top = sorted(r["scores"].items(), key=lambda kv: -kv[1])[:2] if r.get("scores") else []
        how = " UNCERTAIN" if r.get("uncertain") else ""
        if r.get("action_area_source") == "precedent":
            how = f" precedent: {r.get('action_area_precedent')}"
        also = [a for a in r.get("action_areas") or [] if a != r["action_area"]]
        # the whole text's summary of its mandates: one area / actor, or the ones they differ between
        area = r["action_area"] or "differ: " + "/".join(r.get("action_areas") or []) if i == 0 else r["action_area"]
        actor = r["actor"] or ("differ: " + "/".join(r.get("actors") or []) if i == 0 and r.get("actors") else r["actor"])
        if i == 0 and not r["action_area"]:
            also = []
        scores = f"({', '.join(f'{k} {v:.2f}' for k, v in top)})  " if top else ""
        lines.append(
            f"{label:12s} area={area}{how}{' +' + '+'.join(also) if also else ''} "
            f"{scores}"
            f"actor={actor} [{r.get('actor_source')}; {r.get('actor_text') or '-'}]  "
            f"partners={r['with_partners']}" + (f"  mandate={r['is_mandate']}" if i == 0 else "")
        )
        lines.append(f"{'':12s} {r['text'][:120]}")
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    reviewed = reviewed_labels(Services(settings))
    from pathlib import Path

    from models.classifiers import get_default_classifier

    directory = Path(args.model) if args.model else settings.model  # --model wins over UNEA_MANDATES_MODEL
    if directory is not None and not (directory / "classifier.json").is_file():
        print(f"classify: model {directory}: no classifier.json there (write one with "
              "`unea-mandates train --out DIR`)", file=sys.stderr)
        return 2
    classifier = get_default_classifier(directory)
    fmt = args.format
    if args.text is not None or fmt == "table":
        text = args.text if args.text is not None else sys.stdin.read()
        if not text.strip():
            print("classify: empty text", file=sys.stderr)
            return 2
        try:
            record = classify_text(text, args.language, reviewed, classifier)
        except InvalidRequest as exc:
            print(f"classify: {exc}", file=sys.stderr)
            return 2
        out = _table(record) if fmt == "table" else json.dumps(record, ensure_ascii=False)
        sys.stdout.write(out + "\n")
        return 0
    errors = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError("expected a JSON object with a string field 'text'")
            record = classify_text(item["text"], item.get("language") or args.language, reviewed, classifier)
        except (json.JSONDecodeError, ValueError, InvalidRequest) as exc:
            errors += 1
            record = {"error": f"line {number}: {exc}", "line": number}
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if errors:
        print(f"classify: {errors} lines could not be read", file=sys.stderr)
    return 0
