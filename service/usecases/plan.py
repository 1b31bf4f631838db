"""The implementation-plan annex (like the seed's Annex II) drafted from any session's resolutions.

One section per action area (the seed's order), one row per resolution, one column per actor
(UNEP and Member States first, then the other actors that have mandates), each cell the bullets
of that resolution's mandates for that area and actor. Built from files (extract → label) or
from the index (all mandates of a search); the CLI command, the /v1/plan router and the /plan page
all call `plan_from_paths` / `plan_from_index`, then `render_plan`.

Columns: the seed's shape by default (UNEP, Member States, and one "Other addressees" column that names
the body in each bullet, only when there are such mandates); `columns="all"` gives every actor its own.
Each mandate appears once, under its main area (`action_area`); its other areas (`action_areas`) are a mark
on its bullet. Its bullet is a task (service.plan_formats.tasks); a sentence with nobody acting is listed
in `not_tasks`, not in the table. Labels: `uncertain` is the mandate's own flag when present, else a
confidence rule (see `is_uncertain`). Reviewers' corrections win: over the index the indexed
mandates already carry them (ingest and PATCH apply them); from files `plan_from_paths` labels each
document's mandates through labelling.Labeller: the classifier, then the home's corrections on top.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from corpus.corrections import ReviewedLabels
from extractors.paragraph_order import paragraph_key  # the one key (browse, resolution page)
from extractors.schema import ACTION_AREAS, ACTORS, Mandate, UnreadableDocument
from extractors.symbols import parse_symbol, parse_unea_number
from index.base import MandateIndex, SearchQuery
from labelling import LabelFunction, Labeller
from service.i18n import UI_LANGUAGES
from service.plan_formats.tasks import task_of
from service.usecases.errors import InvalidRequest
from service.usecases.search import SearchRequest, ordered_hits, prepare

PlanFormat = Literal["html", "docx", "csv", "jsonl"]
PLAN_FORMATS: tuple[str, ...] = ("html", "docx", "csv", "jsonl")
HEADING_LANGUAGES: tuple[str, ...] = UI_LANGUAGES  # headings.json has all six
LEAD_ACTORS: tuple[str, ...] = ("unep", "member_states")  # the seed's two columns, always first
UNASSIGNED = "unassigned"  # column / section key for a mandate with no actor / no area
OTHER = "other"  # the seed layout's one column for every addressee but UNEP and Member States
COLUMN_LAYOUTS: tuple[str, ...] = ("seed", "all")  # seed: UNEP, Member States, Other addressees; all: one per actor

# A model-given label whose top probability is below this is flagged for review (the classifier's
# area macro-F1 is about 0.6, see the README; below one half the model is choosing between areas).
UNCERTAIN_BELOW = 0.5

Classify = Callable[[list[Mandate]], list[Mandate]]


@dataclass(frozen=True)
class PlanBullet:
    mandate: Mandate
    bullet: str  # the task (service.plan_formats.tasks); the mandate's text is the full wording
    with_partners: bool
    uncertain: bool
    also: tuple[str, ...] = ()  # the mandate's other action areas: a mark, not another bullet
    addressee: str = ""  # the body as the text names it; the shared column shows it before the task
    cut: bool = False  # the task was shortened at a clause boundary ("…")

    @property
    def actor(self) -> str:
        return actor_of(self.mandate)

    @property
    def paragraph(self) -> str | None:
        """The paragraph as cited ("9" for the second addressee of paragraph 9, stored "9#2")."""
        return self.mandate.paragraph.split("#", 1)[0] if self.mandate.paragraph else None


@dataclass
class PlanRow:
    resolution: str  # symbol when known (UNEP/EA.2/Res.8), else the number
    resolution_number: str | None
    title: str | None
    cells: dict[str, list[PlanBullet]] = field(default_factory=dict)  # actor → bullets


@dataclass
class PlanSection:
    area: str  # one of ACTION_AREAS, or UNASSIGNED
    rows: list[PlanRow] = field(default_factory=list)


@dataclass
class Plan:
    sections: list[PlanSection]
    actors: list[str]  # column order
    resolutions: list[str]  # every resolution with mandates, in order
    language: str  # of the headings
    skipped: list[str] = field(default_factory=list)  # files that could not be read, and why
    columns: str = "seed"  # one of COLUMN_LAYOUTS
    not_tasks: list[Mandate] = field(default_factory=list)  # sentences with nobody acting: not in the table

    @property
    def bullet_count(self) -> int:
        return sum(len(b) for s in self.sections for r in s.rows for b in r.cells.values())

    @property
    def bullets(self) -> list[PlanBullet]:
        return [b for s in self.sections for r in s.rows for c in r.cells.values() for b in c]


# --- Labels of one mandate -------------------------------------------------------------------


def areas_of(mandate: Mandate) -> list[str]:
    """Every action area the mandate belongs to: `action_areas` when the model has it, else its one."""
    several = [a for a in (getattr(mandate, "action_areas", None) or []) if a in ACTION_AREAS]
    if several:
        return list(dict.fromkeys(several))
    return [mandate.action_area] if mandate.action_area else [UNASSIGNED]


def actor_of(mandate: Mandate) -> str:
    return mandate.actor if mandate.actor in ACTORS else UNASSIGNED


def is_uncertain(mandate: Mandate) -> bool:
    """No actor, or no area; else the mandate's own `uncertain` flag (the calibrated classifier's: its top
    two areas are close) when it has one; else a model-given area whose probability is under UNCERTAIN_BELOW."""
    if mandate.actor is None or mandate.action_area is None:
        return True
    own = getattr(mandate, "uncertain", None)
    if isinstance(own, bool):
        return own
    if mandate.action_area_source == "model" and mandate.scores:
        return max(mandate.scores.values()) < UNCERTAIN_BELOW
    return False


# --- Building the plan -----------------------------------------------------------------------


def main_area(mandate: Mandate) -> str:
    """The one area a mandate is placed under: its `action_area`, else the first of `areas_of`."""
    return mandate.action_area if mandate.action_area in ACTION_AREAS else areas_of(mandate)[0]


def column_of(actor: str, columns: str = "seed") -> str:
    """The column an actor's bullets go in: its own under "all"; UNEP, Member States or OTHER under "seed"."""
    return actor if columns == "all" or actor in LEAD_ACTORS else OTHER


def build_plan(
    mandates: Iterable[Mandate], language: str = "en", skipped: Sequence[str] = (), columns: str = "seed"
) -> Plan:
    """Mandates → sections × resolutions × columns, each mandate once (under its main area), in paragraph order."""
    if language not in HEADING_LANGUAGES:
        raise InvalidRequest(
            f"headings language must be one of {', '.join(HEADING_LANGUAGES)}, got {language!r}"
        )
    if columns not in COLUMN_LAYOUTS:
        raise InvalidRequest(f"columns must be one of {', '.join(COLUMN_LAYOUTS)}, got {columns!r}")
    chosen = _one_version_each(_own_paragraphs_first(list(mandates)), language)
    rows: dict[tuple[str, str], PlanRow] = {}
    resolutions: dict[str, PlanRow] = {}
    columns_seen: set[str] = set()
    not_tasks: list[Mandate] = []
    for m in sorted(chosen, key=_mandate_order):
        task = task_of(m)
        if task.text is None:
            not_tasks.append(m)
            continue
        column = column_of(actor_of(m), columns)
        columns_seen.add(column)
        area = main_area(m)
        also = tuple(a for a in areas_of(m) if a != area and a in ACTION_AREAS)
        bullet = PlanBullet(m, task.text, m.with_partners, is_uncertain(m), also, task.addressee, task.cut)
        resolutions.setdefault(m.resolution, PlanRow(m.resolution, m.resolution_number, m.resolution_title))
        row = rows.setdefault((area, m.resolution), PlanRow(m.resolution, m.resolution_number, m.resolution_title))
        row.cells.setdefault(column, []).append(bullet)
    sections = []
    for area in [*ACTION_AREAS, UNASSIGNED]:
        section_rows = [row for (a, _), row in rows.items() if a == area]
        if section_rows:
            sections.append(PlanSection(area, sorted(section_rows, key=_row_order)))
    if columns == "all":
        actors = [*LEAD_ACTORS] + [a for a in ACTORS if a not in LEAD_ACTORS and a in columns_seen]
        actors += [UNASSIGNED] if UNASSIGNED in columns_seen else []
    else:
        actors = [*LEAD_ACTORS] + ([OTHER] if OTHER in columns_seen else [])
    ordered = [r.resolution for r in sorted(resolutions.values(), key=_row_order)]
    return Plan(sections, actors, ordered, language, list(skipped), columns, not_tasks)


def _own_paragraphs_first(mandates: list[Mandate]) -> list[Mandate]:
    """Per resolution, its own paragraphs' mandates; a table's bullets about it (another plan's rows,
    such as the seed's Annex II) only when the resolution's own text is not there."""
    with_paragraphs = {m.resolution for m in mandates if m.source.kind == "paragraph"}
    return [m for m in mandates if m.source.kind == "paragraph" or m.resolution not in with_paragraphs]


def _one_version_each(mandates: list[Mandate], language: str) -> list[Mandate]:
    """One version of each paragraph's mandate: the one in the plan's language when the selection holds it,
    else the English one, else the first (one `language` decides the headings and the bullets; a bullet
    in another language is marked by the formats). Table bullets have no versions: all kept."""
    def preference(m: Mandate) -> int:
        return 0 if m.language == language else 1 if m.language == "en" else 2

    best: dict[tuple, Mandate] = {}
    for m in mandates:
        if m.source.kind != "paragraph" or not m.paragraph:
            continue
        key = (m.resolution, m.paragraph, m.source.item or 0)
        if key not in best or preference(m) < preference(best[key]):
            best[key] = m
    return [m for m in mandates if m.source.kind != "paragraph" or not m.paragraph
            or best[(m.resolution, m.paragraph, m.source.item or 0)] is m]


def _numbers(text: str | None) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text or ""))


def _row_order(row: PlanRow) -> tuple:
    return (_numbers(row.resolution_number) or (10**6,), row.resolution)


def _mandate_order(m: Mandate) -> tuple:
    return (m.resolution, paragraph_key(m.paragraph), m.source.row or 0, m.source.item or 0)


# --- From files -----------------------------------------------------------------------------


def plan_from_paths(
    paths: Iterable[str | Path],
    language: str = "en",
    classify: Classify | None = None,
    on_file: Callable[[Path], None] | None = None,
    reviewed: ReviewedLabels | None = None,
    columns: str = "seed",
    *,
    labeller: Labeller | None = None,
) -> Plan:
    """Extract (and classify, when `classify` is given) every file named or under the folders named;
    maintainers' `reviewed` labels then win over the rules' and the model's. `labeller` (instead of
    `classify` and `reviewed`): the labelling path whole, as the service configures it (Services.labeller).
    Unreadable files are listed in `plan.skipped` with why; the others still make the plan."""
    from extractors.pipeline import extract_path, iter_document_paths

    if labeller is None:
        labeller = Labeller(LabelFunction(classify) if classify is not None else None, reviewed)
    elif classify is not None or reviewed is not None:
        raise TypeError("give a labeller, or classify and reviewed, not both")

    mandates: list[Mandate] = []
    skipped: list[str] = []
    for path in iter_document_paths(paths):
        try:
            result = extract_path(path)
        except UnreadableDocument as exc:
            skipped.append(f"{path}: {exc.reason}")
        except (OSError, ValueError) as exc:
            skipped.append(f"{path}: {exc.__class__.__name__}: {exc}")
        else:
            mandates.extend(labeller.label(result.mandates))
        if on_file is not None:
            on_file(path)
    return build_plan(mandates, language, skipped, columns)


# --- From the index --------------------------------------------------------------------------


def resolution_filter(values: Iterable[str]) -> list[str]:
    """ "6/5", "UNEP/EA.6/Res.5" or "unep/ea.6/res.5" → the symbol the index files mandates under."""
    out = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        ref = parse_symbol(value) or parse_unea_number(value)
        if ref is None or not ref.symbol:
            raise InvalidRequest(
                f"not a resolution number or symbol: {value!r} (e.g. 6/5 or UNEP/EA.6/Res.5)"
            )
        out.append(ref.symbol)
    return out


def plan_query(
    sessions: Sequence[str] = (),
    resolutions: Sequence[str] = (),
    base: SearchRequest | SearchQuery | None = None,
) -> SearchRequest:
    """The search whose hits make the plan: a search page's query, filters and years, plus sessions
    and resolutions (numbers such as 6/5 accepted; "6, 5" is two values, as a form field may send)."""
    request = base if isinstance(base, SearchRequest) else SearchRequest(query=base or SearchQuery())
    filters = {k: list(v) for k, v in request.query.filters.items()}
    session_values = _split(filters.pop("session", []) + list(sessions))
    for value in session_values:
        if not value.isdigit():
            raise InvalidRequest(f"a session is a number, got {value!r}")
    if session_values:
        filters["session"] = [str(int(v)) for v in session_values]
    symbols = resolution_filter(_split(filters.pop("resolution", []) + list(resolutions)))
    if symbols:
        filters["resolution"] = symbols
    return request.model_copy(update={"query": request.query.model_copy(update={"filters": filters})})


def _split(values: Iterable[str]) -> list[str]:
    return [part for value in values for part in re.split(r"[,;\s]+", str(value)) if part]


def plan_from_index(
    index: MandateIndex,
    request: SearchRequest | SearchQuery,
    language: str = "en",
    cap: int = 10_000,
    columns: str = "seed",
) -> Plan:
    """Every mandate the search finds (up to `cap`, as the export), as a plan."""
    if isinstance(request, SearchQuery):
        request = SearchRequest(query=request)
    if not request.query.q and not request.query.filters and not request.years:
        raise InvalidRequest("say which resolutions: a session, a resolution, or a search")
    hits = ordered_hits(index, prepare(index, request), cap)
    return build_plan([h.mandate for h in hits], language, columns=columns)


# --- Rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPlan:
    body: bytes
    media_type: str
    extension: str


def render_plan(plan: Plan, fmt: str) -> RenderedPlan:
    """The plan as a file: printable HTML, DOCX (Word / LibreOffice), CSV (one row per bullet) or JSON lines."""
    from service.plan_formats import docx as docx_format
    from service.plan_formats import html as html_format
    from service.plan_formats import rows as rows_format

    if fmt == "html":
        return RenderedPlan(html_format.plan_html(plan).encode("utf-8"), "text/html; charset=utf-8", "html")
    if fmt == "docx":
        media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return RenderedPlan(docx_format.plan_docx(plan), media, "docx")
    if fmt == "csv":
        return RenderedPlan(rows_format.plan_csv(plan), "text/csv; charset=utf-8", "csv")
    if fmt == "jsonl":
        return RenderedPlan(
            rows_format.plan_jsonl(plan).encode("utf-8"), "application/x-ndjson; charset=utf-8", "jsonl"
        )
    raise InvalidRequest(f"format must be one of {', '.join(PLAN_FORMATS)}, got {fmt!r}")
