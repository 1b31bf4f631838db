"""Where the workplace's shared corpus lies: `../shared` beside the repository (as CI places it), or the
development machine's /work/shared when the repository is a worktree elsewhere. Missing, the tests that read
it fail on the path (never skip)."""

from __future__ import annotations

from pathlib import Path

_BESIDE = Path(__file__).resolve().parents[1].parent / "shared"
SHARED = next((p for p in (_BESIDE, Path("/work/shared")) if p.is_dir()), _BESIDE)
UN_PARALLEL_SAMPLE = SHARED / "corpus" / "un-parallel" / "un-parallel-sample.jsonl"


def operative_parallel_rows() -> dict[str, list[dict]]:
    """The UN Parallel sample's numbered operative lines (an English lead verb), by UN document: each row holds
    the line in ar, en, es, fr, ru and zh."""
    import json

    from extractors.operative_leads import english_lead
    from extractors.paragraph_numbers import split_label

    by_document: dict[str, list[dict]] = {}
    for line in UN_PARALLEL_SAMPLE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        label, body = split_label(row["en"])
        if label is not None and label.kind == "number" and english_lead(body, strict=True) is not None:
            by_document.setdefault(row["document"], []).append(row)
    return by_document
