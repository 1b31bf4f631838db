"""Where the workplace's shared corpus lies: `../shared` beside the repository (as CI places it), or the
development machine's /work/shared when the repository is a worktree elsewhere. Missing, the tests that read
it fail on the path (never skip)."""

from __future__ import annotations

from pathlib import Path

_BESIDE = Path(__file__).resolve().parents[1].parent / "shared"
SHARED = next((p for p in (_BESIDE, Path("/work/shared")) if p.is_dir()), _BESIDE)
UN_PARALLEL_SAMPLE = SHARED / "corpus" / "un-parallel" / "un-parallel-sample.jsonl"
