"""Precedents of a draft mandate: the indexed mandates closest to it by meaning *and* words
(hybrid search above the relevance floor), one per resolution, in the draft's language first, each
with why it matched (the words it shares, its similarity) and its other-language versions linked.

Through the MandateIndex protocol only, so every backend gives the same answer shape.
"""

from __future__ import annotations

import re

import numpy as np

from extractors.language import tokenize_for_index
from extractors.schema import Mandate
from index.base import MandateIndex, SearchHit, SearchQuery
from index.fields import RELEVANCE_FLOOR, RRF_K, has_indexed_han
from models.embedders import Embedder
from service.usecases.results import Precedent, PrecedentLink

PRECEDENTS = 5
_CANDIDATES = 60  # hits of each ranking read before one per resolution is kept
_MARKED = re.compile(r"<mark>(.*?)</mark>", re.S)
_MIN_LATIN = 4  # shorter Latin words (the, to, of, in…) say nothing about a topic
# A word in more than 1% of the indexed mandates (at least 3) is a formula, not a topic: on the bundled
# corpus "mercury" is in 1, "lead" in 6, "reducing" in 33, "requests" in 344 of 982.
TOPICAL_SHARE = 0.01
_TOPICAL_AT_LEAST = 3
_MAX_WORDS = 12
# The topical words count double in the fusion: the multilingual encoder alone puts a field visit
# (3/1) as close to "phase out lead in paint" as the lead-paint rows of 3/9 (0.38 both).
TOPIC_WEIGHT = 2.0
_LEADS_READ = 2  # resolutions' leads read, in fused order, per precedent shown (a same text may be lower)
SAME_TEXT = 0.95  # the draft's and a lead's own words this close: the same mandate, shown first


def topical_words(index: MandateIndex, text: str, language: str, total: int) -> list[str]:
    """The draft's words that are rare in the index (in at most TOPICAL_SHARE of its mandates, and
    in at least one), rarest first: mercury, 含铅涂料 — not the formulas every mandate shares
    (requests, Executive)."""
    most = max(_TOPICAL_AT_LEAST, TOPICAL_SHARE * total)
    tokens = [
        token for token in dict.fromkeys(tokenize_for_index(text, language).split())
        if not (has_indexed_han(token) and len(token) < 2 or not has_indexed_han(token) and (len(token) < _MIN_LATIN or token.isdigit()))
    ]
    # one call for every word's document frequency (cached per index change where the backend can)
    counts = index.match_counts([f'"{token}"' for token in tokens])
    kept = [(found, i, token) for i, (token, found) in enumerate(zip(tokens, counts, strict=True)) if 0 < found <= most]
    return [token for _, _, token in sorted(kept)[:_MAX_WORDS]]  # rarest first


def precedents_of(index: MandateIndex, text: str, language: str | None = None, limit: int = PRECEDENTS,
                  vector: list[float] | None = None, embedder: Embedder | None = None) -> list[Precedent]:
    """The closest indexed mandates to `text` by meaning and topical words (reciprocal rank fusion
    of the two rankings), one per resolution: its mandate in the draft's language when it has one,
    its other-language versions linked. `vector`: the text's embedding by the index's embedder,
    when the caller has it (else the index embeds the text)."""
    language = language or ("zh" if has_indexed_han(text) else "en")
    total = index.stats().mandates
    words = topical_words(index, text, language, total)
    words_query = " OR ".join(f'"{w}"' for w in words)
    # rankings only (no highlights): the leads' highlights are asked for below, a few instead of 60
    keyword = index.search(SearchQuery(q=words_query, limit=_CANDIDATES, highlight=False)).hits if words else []
    if len(words) > 1:
        # the rarest word's mandates first: BM25 over all the words lets a long paragraph naming mercury
        # once fall below short ones sharing "scale" and "mining" (bench/relevance/drafts.json)
        rarest = index.search(SearchQuery(q=f'"{words[0]}"', limit=_CANDIDATES, highlight=False)).hits
        seen = {h.mandate.id for h in rarest}
        keyword = rarest + [h for h in keyword if h.mandate.id not in seen]
    # the semantic ranking only above the floor; other leads' similarities are asked for by id below
    by_meaning = index.search(SearchQuery(q=text, mode="semantic", limit=_CANDIDATES, vector=vector,
                                          highlight=False)).hits
    similarity = {h.mandate.id: h.similarity for h in by_meaning if h.similarity is not None}
    semantic = [h for h in by_meaning if (h.similarity or 0.0) >= RELEVANCE_FLOOR]
    fused: dict[str, float] = {}
    hits: dict[str, SearchHit] = {}
    for ranked, weight in ((keyword, TOPIC_WEIGHT), (semantic, 1.0)):
        for rank, hit in enumerate(ranked, start=1):
            fused[hit.mandate.id] = fused.get(hit.mandate.id, 0.0) + weight / (RRF_K + rank)
            hits.setdefault(hit.mandate.id, hit)
    by_resolution: dict[str, list[SearchHit]] = {}  # in fused order; dicts keep the best resolution first
    for mandate_id in sorted(fused, key=lambda i: (-fused[i], i)):
        by_resolution.setdefault(hits[mandate_id].mandate.resolution, []).append(hits[mandate_id])
    chosen = []
    for candidates in list(by_resolution.values())[: _LEADS_READ * limit]:
        # the resolution's best mandate in the draft's language, else its best; the rest linked
        lead = next((h for h in candidates if h.mandate.language == language), candidates[0])
        others = [h.mandate for h in candidates if h.mandate.language != lead.mandate.language]
        chosen.append((lead.model_copy(update={"score": fused[lead.mandate.id]}), others))
    # The index's vectors hold each mandate in its resolution's context (index.fields.VECTOR_FORM):
    # good for a topic, but a draft that repeats an indexed mandate must read as that mandate. So the
    # leads' own words are compared with the draft's: the same text (SAME_TEXT) comes first, and
    # the similarity shown is this one.
    embedder = embedder or getattr(index, "embedder", None)
    if embedder is not None and chosen:
        draft = np.asarray(vector, dtype=np.float32) if vector is not None else embedder.encode([text])[0]
        own = np.asarray(embedder.encode([lead.mandate.text for lead, _ in chosen]), dtype=np.float32) @ draft
        similarity.update({lead.mandate.id: float(v) for (lead, _), v in zip(chosen, own, strict=True)})
        same = sorted((c for c in chosen if similarity[c[0].mandate.id] >= SAME_TEXT), key=lambda c: -similarity[c[0].mandate.id])
        chosen = same + [c for c in chosen if similarity[c[0].mandate.id] < SAME_TEXT]
    chosen = chosen[:limit]
    # (for why a word match matched) similarities of leads below the semantic top, in one call
    missing = [lead.mandate.id for lead, _ in chosen if lead.mandate.id not in similarity]
    if missing:
        similarity.update(index.similarities(text, missing, vector))
    # (why a word match matched) the words each lead shares, marked by the keyword search's highlighter
    by_words = {h.mandate.id for h in keyword}
    found = [lead.mandate.id for lead, _ in chosen if lead.mandate.id in by_words]
    marked = index.highlighted(words_query, found) if found else {}
    return [_precedent(lead, similarity.get(lead.mandate.id), others, marked.get(lead.mandate.id, ""))
            for lead, others in chosen]


def _precedent(hit: SearchHit, similarity: float | None, versions: list[Mandate], highlight: str) -> Precedent:
    m = hit.mandate
    shared = list(dict.fromkeys(w.strip() for w in _MARKED.findall(highlight) if w.strip()))
    reasons = []
    if shared:
        reasons.append("shares the words " + ", ".join(shared[:6]))
    if similarity is not None and similarity >= RELEVANCE_FLOOR:
        reasons.append(f"similar in meaning ({similarity:.2f})")
    return Precedent(
        id=m.id,
        citation=m.citation,
        text=m.text,
        language=m.language,
        resolution=m.resolution,
        paragraph=m.paragraph,
        action_area=m.action_area,
        actor=m.actor,
        score=similarity if similarity is not None else 0.0,
        rank_score=hit.score,
        similarity=similarity,
        matched_words=shared,
        why="; ".join(reasons) or "close in the fused ranking",
        other_languages=[PrecedentLink(id=v.id, language=v.language, citation=v.citation) for v in versions[:3]],
    )
