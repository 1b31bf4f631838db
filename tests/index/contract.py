"""The one contract every MandateIndex backend passes (Haystack's pattern: a shared test class,
one subclass per backend that says how to open it).

Real mandates only: the seed's Annex II (265 Chinese mandates, extractors.tables) and operative
paragraphs of bundled English resolutions. Expected answers are computed from the mandates' own
text (substring / word patterns), never typed in.
"""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractors.schema import FILTER_FIELDS, Mandate
from index.base import IndexBusy, MandateIndex, QuerySyntaxError, SearchQuery
from index.fields import RELEVANCE_FLOOR, filter_values
from tests.index.real_mandates import full_corpus

REPO = Path(__file__).resolve().parents[2]
MALFORMED = ['"unbalanced phrase', "AND", "plastic AND", "OR plastic", "(plastic", "plastic)", "()", "*", "NOT",
             "plastic NOT", "pla*stic", '""', "plastic OR NOT marine"]
# Things that are FTS5 / Lucene / SQL syntax: they must be searched as text (or refused), never run.
INJECTIONS = ['words : plastic', "NEAR(plastic marine)", "plastic^3", "'; DROP TABLE mandates; --",
              "text:microplastics", "{words grams} : 微塑料", "plastic\\", "\\\"", "-marine", "微塑料:"]


def _all_mandates() -> list[Mandate]:
    return [m for _, ms in full_corpus() for m in ms]


def _ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.mandate.id for h in result.hits]


def _unmark(highlight: str) -> str:
    return html.unescape(highlight.replace("<mark>", "").replace("</mark>", ""))


def _expected(predicate) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id for m in _all_mandates() if predicate(m.text)}


def _word(pattern: str):  # type: ignore[no-untyped-def]
    return lambda text: re.search(pattern, text, re.IGNORECASE) is not None


def _full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (U+FF01…U+FF5E), as a
    Chinese input method types them: Ｐｌａｓｔｉｃ, ２０３０."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _variant_document(index_of_document: int, select, rewrite) -> tuple[object, list[Mandate], Mandate]:  # type: ignore[no-untyped-def]
    """A real bundled document whose first mandate with `select(text)` is rewritten by `rewrite`
    (a composed variant of a real paragraph: the bundled texts hold no full-width Latin)."""
    document, mandates = full_corpus()[index_of_document]
    i = next(i for i, m in enumerate(mandates) if select(m.text))
    variant = mandates[i].model_copy(update={"text": rewrite(mandates[i].text)})
    assert variant.text != mandates[i].text
    return document, [*mandates[:i], variant, *mandates[i + 1 :]], variant


def _marked(text: str, pattern: str) -> str:
    """What the highlight of `text` must be when exactly the matches of `pattern` are marked."""
    out, last = [], 0
    for m in re.finditer(pattern, text):
        out.append(html.escape(text[last : m.start()]) + "<mark>" + html.escape(m.group()) + "</mark>")
        last = m.end()
    return "".join(out) + html.escape(text[last:])


class MandateIndexContract:
    """Subclasses implement `open_backend(home)` → a MandateIndex on an empty store at `home`."""

    backend_name = "abstract"

    def open_backend(self, home: Path) -> MandateIndex:  # pragma: no cover - overridden
        raise NotImplementedError

    def worker_env(self) -> dict[str, str]:
        """Environment a worker process needs to open the same backend."""
        return {}

    # --- fixtures ------------------------------------------------------------------------------

    @pytest.fixture(scope="class")
    def corpus_index(self, tmp_path_factory) -> MandateIndex:  # type: ignore[no-untyped-def]
        index = self.open_backend(tmp_path_factory.mktemp(f"{self.backend_name}-corpus"))
        for document, mandates in full_corpus():
            index.replace_document(document, mandates)
        yield index
        index.close()

    @pytest.fixture
    def fresh_index(self, tmp_path) -> MandateIndex:  # type: ignore[no-untyped-def]
        index = self.open_backend(tmp_path)
        yield index
        index.close()

    def search(self, index: MandateIndex, q: str, limit: int = 1000, **kw) -> object:  # type: ignore[no-untyped-def]
        return index.search(SearchQuery(q=q, limit=limit, **kw))

    # --- contents ------------------------------------------------------------------------------

    def test_stats_count_every_document_and_mandate(self, corpus_index):
        stats = corpus_index.stats()
        corpus = full_corpus()
        assert stats.documents == len(corpus)
        assert stats.mandates == sum(len(ms) for _, ms in corpus)
        assert stats.by_language["zh"] == len(corpus[0][1]) == 265
        assert stats.backend == self.backend_name

    def test_get_returns_the_stored_mandate_unchanged(self, corpus_index):
        for _, mandates in full_corpus():
            m = mandates[len(mandates) // 2]
            assert corpus_index.get(m.id) == m
        assert corpus_index.get("no-such-id") is None
        document, mandates = full_corpus()[0]
        assert corpus_index.get_document(document.id) == document
        assert [m.id for m in corpus_index.mandates_of(document.id)] == [m.id for m in mandates]
        assert corpus_index.document_for_source(document.source_file) == document

    # --- keyword -------------------------------------------------------------------------------

    def test_english_word_finds_every_mandate_with_the_word_or_its_stem(self, corpus_index):
        result = self.search(corpus_index, "microplastics")
        assert set(_ids(result)) == _expected(_word(r"\bmicroplastics?\b"))
        assert result.total == len(result.hits) > 0

    def test_phrase_and_word(self, corpus_index):
        result = self.search(corpus_index, '"Executive Director" report')
        expected = _expected(lambda t: "executive director" in t.lower() and _word(r"\breport(s|ed|ing)?\b")(t))
        assert set(_ids(result)) == expected and expected
        for hit in result.hits:
            assert "<mark>Executive Director</mark>" in hit.highlight

    def test_phrase_is_not_a_bag_of_words(self, corpus_index):
        phrase = set(_ids(self.search(corpus_index, '"Director Executive"')))
        assert phrase == set()

    def test_boolean_and_or_not(self, corpus_index):
        plastic = _word(r"\bplastics?\b")
        marine = _word(r"\bmarine\b")
        assert set(_ids(self.search(corpus_index, "plastic NOT marine"))) == _expected(lambda t: plastic(t) and not marine(t))
        assert set(_ids(self.search(corpus_index, "plastic AND marine"))) == _expected(lambda t: plastic(t) and marine(t))
        assert set(_ids(self.search(corpus_index, "微塑料 OR 含铅涂料"))) == _expected(lambda t: "微塑料" in t or "含铅涂料" in t)
        assert set(_ids(self.search(corpus_index, "微塑料 NOT 海洋"))) == _expected(lambda t: "微塑料" in t and "海洋" not in t)
        grouped = self.search(corpus_index, "(微塑料 OR 空气) AND 监测")
        assert set(_ids(grouped)) == _expected(lambda t: ("微塑料" in t or "空气" in t) and "监测" in t)

    def test_leading_not_excludes_from_everything(self, corpus_index):
        result = self.search(corpus_index, "NOT 微塑料")
        assert result.total == len(_all_mandates()) - len(_expected(lambda t: "微塑料" in t))

    def test_prefix(self, corpus_index):
        result = self.search(corpus_index, "microplast*")
        assert set(_ids(result)) == _expected(_word(r"\bmicroplast\w*"))
        assert all("<mark>microplast" in h.highlight.lower() for h in result.hits)

    def test_chinese_word_found_whatever_jieba_made_of_its_neighbours(self, corpus_index):
        result = self.search(corpus_index, "微塑料")
        expected = _expected(lambda t: "微塑料" in t)
        assert len(expected) >= 20
        assert set(_ids(result)) == expected
        for hit in result.hits:
            assert "<mark>微塑料</mark>" in hit.highlight
            assert _unmark(hit.highlight) == hit.mandate.text

    def test_chinese_two_words(self, corpus_index):
        result = self.search(corpus_index, "空气质量 监测")
        assert set(_ids(result)) == _expected(lambda t: "空气质量" in t and "监测" in t)
        assert result.hits and all("<mark>空气质量</mark>" in h.highlight and "<mark>监测</mark>" in h.highlight for h in result.hits)

    def test_single_han_character(self, corpus_index):
        # 铅 inside 含铅涂料; 作 often ends a run (合作。), where no character bigram starts with it
        assert _expected(lambda t: re.search("作(?![\u4e00-\u9fff])", t) is not None)
        for char in ("铅", "作"):
            result = self.search(corpus_index, char)
            assert set(_ids(result)) == _expected(lambda t, c=char: c in t), char
            assert all(f"<mark>{char}</mark>" in h.highlight for h in result.hits), char
        assert set(_ids(self.search(corpus_index, "NOT 作"))) == _expected(lambda t: "作" not in t)

    def test_english_highlight_marks_original_text_and_escapes_html(self, corpus_index):
        result = self.search(corpus_index, "plastic")
        assert result.hits
        for hit in result.hits:
            assert re.search(r"<mark>plastics?</mark>", hit.highlight, re.IGNORECASE)
            assert _unmark(hit.highlight) == hit.mandate.text
            assert "<" not in re.sub(r"</?mark>", "", hit.highlight)

    # --- compatibility forms (NFKC): full-width letters and digits, ligatures ------------------

    def test_full_width_query_finds_what_the_plain_query_finds(self, corpus_index):
        for plain, expected in (("microplastics", _expected(_word(r"\bmicroplastics?\b"))),
                                # 2030 in 《2030年议程》 too: a Han character ends a number
                                ("2030", _expected(_word(r"(?<![0-9A-Za-z.])2030(?![0-9A-Za-z])"))),
                                ("microplast*", _expected(_word(r"\bmicroplast\w*")))):
            wide = self.search(corpus_index, _full_width(plain))
            assert expected and set(_ids(wide)) == expected == set(_ids(self.search(corpus_index, plain))), plain
            for hit in wide.hits:  # the stored (plain) text is marked, unchanged
                assert _unmark(hit.highlight) == hit.mandate.text
                assert "<mark>" + plain.rstrip("*").lower() in hit.highlight.lower()

    def test_chinese_query_with_full_width_punctuation_and_digits(self, corpus_index):
        # the seed writes （…） full-width and years in ASCII digits; the queries use the other forms
        bracketed = "（减量、再用和循环）"
        result = self.search(corpus_index, bracketed)
        assert set(_ids(result)) == _expected(lambda t: bracketed in t) and result.hits
        for hit in result.hits:
            assert f"<mark>{bracketed}</mark>" in hit.highlight
            assert _unmark(hit.highlight) == hit.mandate.text
        year = self.search(corpus_index, "全球化学品展望 ２０１８")
        expected = _expected(lambda t: "全球化学品展望" in t and re.search(r"(?<!\d)2018(?!\d)", t) is not None)
        assert expected and set(_ids(year)) == expected
        assert all("<mark>2018</mark>" in h.highlight for h in year.hits)
        three_r = self.search(corpus_index, "３Ｒ")
        assert set(_ids(three_r)) == _expected(_word(r"(?<![A-Za-z0-9])3R(?![A-Za-z0-9])")) and three_r.hits
        assert all("<mark>3R</mark>" in h.highlight for h in three_r.hits)

    def test_full_width_text_is_found_by_the_plain_query_and_marked_in_full_width(self, fresh_index):
        document, mandates, variant = _variant_document(
            1, _word(r"\bmicroplastics\b"), lambda t: t.replace("microplastics", _full_width("microplastics")))
        fresh_index.replace_document(document, mandates)
        for q in ("microplastics", "ｍｉｃｒｏｐｌａｓｔｉｃｓ", '"marine litter"'):
            hits = {h.mandate.id: h for h in self.search(fresh_index, q).hits}
            assert variant.id in hits, q
            assert _unmark(hits[variant.id].highlight) == variant.text
        highlight = {h.mandate.id: h.highlight for h in self.search(fresh_index, "microplastics").hits}[variant.id]
        assert highlight == _marked(variant.text, _full_width("microplastics"))

    def test_highlight_is_right_after_characters_nfkc_makes_longer(self, fresh_index):
        # ﬁ → fi and ㎏ → kg before the match: the folded copy the engine marks is longer
        def rewrite(text: str) -> str:
            return "Over 5 ㎏: " + text.replace("fi", "ﬁ")

        document, mandates, variant = _variant_document(1, _word(r"fi.*\bmicroplastics\b"), rewrite)
        fresh_index.replace_document(document, mandates)
        highlight = {h.mandate.id: h.highlight for h in self.search(fresh_index, "microplastics").hits}[variant.id]
        assert highlight == _marked(variant.text, r"\bmicroplastics\b")
        found = {h.mandate.id: h.highlight for h in self.search(fresh_index, "kg").hits}
        assert found[variant.id].startswith("Over 5 <mark>㎏</mark>: ")
        ligature = next(w for w in re.findall(r"\w*ﬁ\w*", variant.text))  # e.g. scientiﬁc, as typeset
        found = {h.mandate.id: h.highlight for h in self.search(fresh_index, ligature.replace("ﬁ", "fi")).hits}
        assert f"<mark>{ligature}</mark>" in found[variant.id]
        assert _unmark(found[variant.id]) == variant.text

    # --- filters, facets, pagination -----------------------------------------------------------

    def test_filters_or_within_field_and_across_fields(self, corpus_index):
        mandates = _all_mandates()
        resolutions = sorted({m.resolution for m in mandates if m.language == "zh"})[:3]
        filters = {"resolution": resolutions, "actor": ["unep"]}
        result = self.search(corpus_index, "", filters=filters)
        expected = {m.id for m in mandates if m.resolution in resolutions and m.actor == "unep"}
        assert set(_ids(result)) == expected and result.total == len(expected) > 0
        with_query = self.search(corpus_index, "微塑料", filters={"actor": ["member_states"], "language": ["zh"]})
        assert set(_ids(with_query)) == {m.id for m in mandates if "微塑料" in m.text and m.actor == "member_states"}
        for field in FILTER_FIELDS:  # every field filters
            value = filter_values(mandates[0])[field]
            hits = self.search(corpus_index, "", filters={field: [value]}).hits
            assert hits and all(filter_values(h.mandate)[field] == value for h in hits)

    def test_unknown_filter_is_a_query_error(self, corpus_index):
        with pytest.raises(QuerySyntaxError):
            self.search(corpus_index, "plastic", filters={"colour": ["blue"]})

    def test_facets_count_the_results_and_leave_out_their_own_filter(self, corpus_index):
        mandates = _all_mandates()
        result = self.search(corpus_index, "微塑料")
        for field in ("actor", "action_area", "resolution", "language"):
            expected: dict[str, int] = {}
            for m in mandates:
                value = filter_values(m)[field]
                if "微塑料" in m.text and value is not None:
                    expected[value] = expected.get(value, 0) + 1
            assert result.facets[field] == expected
        filtered = self.search(corpus_index, "微塑料", filters={"actor": ["unep"]})
        assert filtered.facets["actor"] == result.facets["actor"]  # own filter left out: alternatives stay
        assert sum(filtered.facets["resolution"].values()) == filtered.total  # other fields: under the filter
        assert corpus_index.facets(SearchQuery(q="微塑料", filters={"actor": ["unep"]})) == filtered.facets

    def test_pagination_is_stable_and_complete(self, corpus_index):
        whole = self.search(corpus_index, "微塑料 OR plastic", limit=60)
        pages = [self.search(corpus_index, "微塑料 OR plastic", limit=7, offset=o) for o in range(0, 60, 7)]
        assert [i for p in pages for i in _ids(p)][: len(whole.hits)] == _ids(whole)
        assert all(p.total == whole.total for p in pages)
        scores = [h.score for h in whole.hits]
        assert scores == sorted(scores, reverse=True)
        browse = self.search(corpus_index, "", limit=20, offset=5)
        assert _ids(browse) == _ids(self.search(corpus_index, "", limit=25))[5:]

    def test_a_page_past_every_result_is_empty_not_an_error(self, corpus_index):
        # Elasticsearch refuses from + size over 10,000 (index.max_result_window) unless we clamp
        for mode in ("keyword", "semantic", "hybrid"):
            first = self.search(corpus_index, "plastic", limit=5, mode=mode)
            far = self.search(corpus_index, "plastic", limit=1000, offset=9_999, mode=mode)
            assert far.hits == [], mode
            if mode != "hybrid":  # hybrid's total is the size of its fused lists, which the offset deepens
                assert far.total == first.total, mode

    # --- semantic and hybrid -------------------------------------------------------------------

    def test_semantic_english_query_finds_chinese_mandate(self, corpus_index):
        result = self.search(corpus_index, "eliminate lead paint", limit=5, mode="semantic", filters={"language": ["zh"]})
        assert any("含铅涂料" in h.mandate.text for h in result.hits[:3])

    def test_semantic_chinese_query_finds_english_mandate(self, corpus_index):
        result = self.search(corpus_index, "空气污染 区域合作", limit=5, mode="semantic", filters={"language": ["en"]})
        assert any(re.search(r"air (pollution|quality)", h.mandate.text) for h in result.hits[:3])

    def test_semantic_scores_are_cosines_in_order(self, corpus_index):
        result = self.search(corpus_index, "marine litter", limit=20, mode="semantic")
        scores = [h.score for h in result.hits]
        assert scores == sorted(scores, reverse=True) and -1.0 <= scores[-1] <= scores[0] <= 1.0001
        assert result.total == len(_all_mandates())

    def test_match_counts_are_the_search_totals(self, corpus_index):
        queries = ['"plastic"', '"微塑料"', '"mercury"', "marine AND litter", '"requests"', '"zzqxnotaword"', ""]
        counts = corpus_index.match_counts(queries)
        assert counts == [self.search(corpus_index, q, limit=0).total for q in queries]
        assert counts[-2] == 0 and counts[-1] == len(_all_mandates()) and counts[0] > 0
        assert corpus_index.match_counts([]) == []

    def test_match_counts_follow_a_write(self, fresh_index):
        corpus = full_corpus()
        for document, mandates in corpus[:3]:
            fresh_index.replace_document(document, mandates)
        before = fresh_index.match_counts(['"微塑料"'])[0]
        assert before > 0
        fresh_index.delete_document(corpus[0][0].id)
        assert fresh_index.match_counts(['"微塑料"']) == [self.search(fresh_index, '"微塑料"', limit=0).total]
        assert fresh_index.match_counts(['"微塑料"'])[0] < before

    def test_similarities_are_the_semantic_scores(self, corpus_index):
        ranked = self.search(corpus_index, "phase out lead in paint", limit=40, mode="semantic").hits
        picked = [ranked[0], ranked[7], ranked[-1]]
        found = corpus_index.similarities("phase out lead in paint", [h.mandate.id for h in picked] + ["no-such-mandate"])
        assert set(found) == {h.mandate.id for h in picked}
        for hit in picked:
            assert found[hit.mandate.id] == pytest.approx(hit.similarity, abs=1e-6)
        assert corpus_index.similarities("phase out lead in paint", []) == {}

    def test_semantic_rank_reads_each_mandate_with_its_resolution(self, corpus_index):
        """score = (cosine + w · the best cosine of its resolution) / (1 + w): a resolution's best mandate
        scores its own cosine, every other one at least its own (index.fields.RESOLUTION_WEIGHT)."""
        from index.fields import RESOLUTION_WEIGHT

        hits = self.search(corpus_index, "phase out lead in paint", limit=100, mode="semantic").hits
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        best: dict[str | None, float] = {}
        for h in hits:
            assert h.similarity is not None
            best[h.mandate.resolution] = max(best.get(h.mandate.resolution, -1.0), h.similarity)
        for h in hits:
            expected = (h.similarity + RESOLUTION_WEIGHT * best[h.mandate.resolution]) / (1 + RESOLUTION_WEIGHT)
            assert h.score == pytest.approx(expected, abs=1e-5)
            assert h.score >= h.similarity - 1e-6
        assert all(h.similarity is None for h in self.search(corpus_index, "lead", limit=5).hits)  # keyword mode

    def test_a_given_vector_ranks_as_its_text_would(self, corpus_index):
        """classify embeds a draft's mandate once and hands the vector to search and similarities."""
        from tests.index.embedding import shared_test_embedder

        vector = shared_test_embedder().encode(["reduce mercury emissions from artisanal gold mining"])[0].tolist()
        by_text = self.search(corpus_index, "reduce mercury emissions from artisanal gold mining", limit=20, mode="semantic").hits
        by_vector = self.search(corpus_index, "phase out lead in paint", limit=20, mode="semantic", vector=vector).hits
        assert [h.mandate.id for h in by_vector] == [h.mandate.id for h in by_text]
        assert [h.score for h in by_vector] == pytest.approx([h.score for h in by_text], abs=1e-6)
        found = corpus_index.similarities("phase out lead in paint", [by_text[3].mandate.id], vector)
        assert found == {by_text[3].mandate.id: pytest.approx(by_text[3].similarity, abs=1e-6)}
        with pytest.raises(ValueError, match="query vector"):
            self.search(corpus_index, "lead", mode="semantic", vector=vector[:7])

    def test_unhighlighted_search_ranks_the_same_and_highlighted_marks_the_few_asked_for(self, corpus_index):
        """Precedents rank 60 hits without highlights and ask for the highlights of the few they show."""
        for q, mode in (('"mercury" OR "微塑料" OR "paint"', "keyword"), ("plastic pollution", "hybrid")):
            marked = self.search(corpus_index, q, limit=60, mode=mode).hits
            plain = self.search(corpus_index, q, limit=60, mode=mode, highlight=False).hits
            assert [(h.mandate.id, h.score) for h in plain] == [(h.mandate.id, h.score) for h in marked]
            assert all(h.highlight == html.escape(h.mandate.text) for h in plain)
            assert any("<mark>" in h.highlight for h in marked)
            picked = [marked[0], marked[5], marked[-1]]
            found = corpus_index.highlighted(q, [h.mandate.id for h in picked] + ["no-such-mandate"])
            assert found == {h.mandate.id: h.highlight for h in picked}
        assert corpus_index.highlighted("mercury", []) == {}

    def test_hybrid_fuses_keyword_and_semantic(self, corpus_index):
        keyword = self.search(corpus_index, "微塑料", limit=10)
        semantic = self.search(corpus_index, "微塑料", limit=10, mode="semantic")
        hybrid = self.search(corpus_index, "微塑料", limit=10, mode="hybrid")
        assert hybrid.hits[0].mandate.id in set(_ids(keyword)) | set(_ids(semantic))
        assert len(set(_ids(hybrid)) & set(_ids(keyword))) >= 5
        assert all(0 < h.score <= 2 / 61 for h in hybrid.hits)
        assert sum(hybrid.facets["language"].values()) == hybrid.total
        # a query no word matches still gets semantic hits through fusion
        cross = self.search(corpus_index, "lead paint", limit=10, mode="hybrid")
        assert any("含铅涂料" in h.mandate.text for h in cross.hits)

    def test_a_relevance_floor_makes_semantic_totals_exact(self, corpus_index):
        """With min_similarity, semantic hits are exactly the mandates at or above it: total, hits
        and facets agree (issue 15: no more 'the whole index' for any query)."""
        floor = RELEVANCE_FLOOR
        everything = self.search(corpus_index, "marine plastic litter", mode="semantic")
        above = [h for h in everything.hits if h.score >= floor - 1e-6]
        result = self.search(corpus_index, "marine plastic litter", mode="semantic", min_similarity=floor)
        assert result.total_relation == "eq"
        assert 0 < result.total == len(result.hits) < everything.total
        assert abs(result.total - len(above)) <= 1  # the one at the edge may round either way
        assert all(h.score >= floor - 1e-6 for h in result.hits)
        assert sum(result.facets["language"].values()) == result.total
        chinese = self.search(corpus_index, "marine plastic litter", mode="semantic", min_similarity=floor,
                              filters={"language": ["zh"]})
        assert chinese.total == result.facets["language"].get("zh", 0) == chinese.facets["language"].get("zh", 0)
        off_topic = self.search(corpus_index, "football match results tonight", mode="semantic", min_similarity=floor)
        assert off_topic.total == 0 and off_topic.hits == []

    def test_a_relevance_floor_keeps_every_keyword_match_in_hybrid(self, corpus_index):
        keyword = self.search(corpus_index, "微塑料")
        hybrid = self.search(corpus_index, "微塑料", mode="hybrid", min_similarity=RELEVANCE_FLOOR)
        assert {h.mandate.id for h in keyword.hits} <= {h.mandate.id for h in hybrid.hits}
        assert hybrid.total == len(hybrid.hits) and sum(hybrid.facets["language"].values()) == hybrid.total
        scores = [h.score for h in hybrid.hits]
        assert scores == sorted(scores, reverse=True)
        paged = [h.mandate.id for o in range(0, hybrid.total, 7)
                 for h in self.search(corpus_index, "微塑料", mode="hybrid", min_similarity=RELEVANCE_FLOOR,
                                      limit=7, offset=o).hits]
        assert paged == [h.mandate.id for h in hybrid.hits]

    # --- malformed and hostile queries ---------------------------------------------------------

    @pytest.mark.parametrize("q", MALFORMED)
    def test_malformed_query_is_a_query_syntax_error(self, corpus_index, q):
        for mode in ("keyword", "hybrid"):
            with pytest.raises(QuerySyntaxError) as info:
                self.search(corpus_index, q, mode=mode)
            assert str(info.value)

    @pytest.mark.parametrize("q", INJECTIONS)
    def test_query_syntax_of_the_engine_is_searched_as_text(self, corpus_index, q):
        before = corpus_index.stats()
        try:
            self.search(corpus_index, q)
        except QuerySyntaxError:
            pass
        assert corpus_index.stats() == before

    # --- writes --------------------------------------------------------------------------------

    def test_delete_document(self, fresh_index):
        corpus = full_corpus()
        for document, mandates in corpus[:3]:
            fresh_index.replace_document(document, mandates)
        gone_doc, gone = corpus[0]
        assert fresh_index.delete_document(gone_doc.id) is True
        assert not fresh_index.has_document(gone_doc.id) and fresh_index.get(gone[0].id) is None
        assert self.search(fresh_index, "微塑料").total == 0
        assert fresh_index.stats().mandates == sum(len(ms) for _, ms in corpus[1:3])
        assert fresh_index.delete_document(gone_doc.id) is False

    def test_reingest_same_document_adds_no_duplicates(self, fresh_index):
        document, mandates = full_corpus()[1]
        fresh_index.replace_document(document, mandates)
        fresh_index.replace_document(document, mandates)
        assert fresh_index.stats().mandates == len(mandates)
        assert self.search(fresh_index, "").total == len(mandates)

    def test_replace_drops_the_old_mandates(self, fresh_index):
        document, mandates = full_corpus()[2]
        fresh_index.replace_document(document, mandates)
        fresh_index.replace_document(document, mandates[:2])
        assert [m.id for m in fresh_index.mandates_of(document.id)] == [m.id for m in mandates[:2]]
        assert fresh_index.get(mandates[-1].id) is None
        assert self.search(fresh_index, "").total == 2

    def test_changed_file_replaces_its_older_version(self, fresh_index):
        old_doc, old_mandates = full_corpus()[1]
        fresh_index.replace_document(old_doc, old_mandates)
        new_doc = old_doc.model_copy(update={"id": "f" * 64})
        new_mandates = [m.model_copy(update={"document": new_doc.id, "id": m.id[:-1] + "x"}) for m in old_mandates[:3]]
        fresh_index.replace_document(new_doc, new_mandates, replaces=old_doc.id)
        assert fresh_index.list_documents() == [new_doc]
        assert fresh_index.document_for_source(old_doc.source_file) == new_doc
        assert fresh_index.stats().mandates == 3

    def test_iter_mandates_reads_every_mandate_once(self, corpus_index):
        assert sorted(m.id for m in corpus_index.iter_mandates()) == sorted(m.id for m in _all_mandates())

    def test_batch_write_is_the_same_as_one_by_one(self, fresh_index):
        """replace_documents (ingest's bulk path): a new document, a re-written one that lost mandates
        and a changed file replacing its older version, in one call, end as replace_document makes them."""
        (doc_a, ms_a), (doc_b, ms_b), (doc_c, ms_c) = full_corpus()[1:4]
        fresh_index.replace_documents([(doc_a, ms_a, None), (doc_b, ms_b, None)])
        assert fresh_index.stats().mandates == len(ms_a) + len(ms_b)
        new_b = doc_b.model_copy(update={"id": "e" * 64})
        new_ms_b = [m.model_copy(update={"document": new_b.id, "id": m.id[:-1] + "y"}) for m in ms_b[:2]]
        fresh_index.replace_documents([(doc_c, ms_c, None), (doc_a, ms_a[:1], None), (new_b, new_ms_b, doc_b.id)])
        assert [m.id for m in fresh_index.mandates_of(doc_a.id)] == [ms_a[0].id]
        assert fresh_index.get(ms_a[-1].id) is None
        assert fresh_index.mandates_of(doc_b.id) == [] and not fresh_index.has_document(doc_b.id)
        assert [m.id for m in fresh_index.mandates_of(new_b.id)] == [m.id for m in new_ms_b]
        assert [m.id for m in fresh_index.mandates_of(doc_c.id)] == [m.id for m in ms_c]
        assert {d.id for d in fresh_index.list_documents()} == {doc_a.id, new_b.id, doc_c.id}
        assert self.search(fresh_index, "").total == 1 + 2 + len(ms_c)

    def test_batch_with_a_foreign_mandate_writes_nothing(self, fresh_index):
        (doc_a, ms_a), (doc_b, _) = full_corpus()[1:3]
        with pytest.raises(ValueError):
            fresh_index.replace_documents([(doc_a, ms_a, None), (doc_b, ms_a, None)])
        assert fresh_index.stats().mandates == 0

    def test_mandate_of_another_document_is_refused(self, fresh_index):
        (doc_a, _), (_, mandates_b) = full_corpus()[1:3]
        with pytest.raises(ValueError):
            fresh_index.replace_document(doc_a, mandates_b)
        assert fresh_index.stats().mandates == 0

    # --- re-index --------------------------------------------------------------------------------

    def test_rebuild_swaps_in_a_complete_new_version(self, fresh_index):
        corpus = full_corpus()[1:4]
        for document, mandates in corpus:
            fresh_index.replace_document(document, mandates)
        before = fresh_index.stats()
        builder = fresh_index.start_rebuild()
        with pytest.raises(Exception, match="re-index is running"):
            fresh_index.start_rebuild()
        for document, mandates in corpus[:2]:
            builder.replace_document(document, mandates)
        assert fresh_index.stats() == before  # the half-built version does not serve
        with pytest.raises(IndexBusy):  # a write now would be lost at the swap: refused, clearly
            fresh_index.delete_document(corpus[0][0].id)
        version = fresh_index.finish_rebuild(builder)
        after = fresh_index.stats()
        assert version == after.version == before.version + 1
        assert after.mandates == sum(len(ms) for _, ms in corpus[:2])

    def test_rebuild_killed_midway_leaves_the_old_version_serving(self, tmp_path):
        index = self.open_backend(tmp_path)
        for document, mandates in full_corpus():
            index.replace_document(document, mandates)
        before = index.stats()
        counts = {q: self.search(index, q).total for q in ("微塑料", "plastic", '"Executive Director"')}
        index.close()

        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.index.rebuild_worker", self.backend_name, str(tmp_path)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **self.worker_env()},
        )
        try:
            copied = 0
            deadline = time.monotonic() + 120
            while copied < 2 and time.monotonic() < deadline:
                line = worker.stdout.readline()  # type: ignore[union-attr]
                if not line:
                    pytest.fail(f"rebuild worker ended early: {worker.stderr.read()}")  # type: ignore[union-attr]
                copied += line.startswith("copied")
            assert copied == 2
            os.kill(worker.pid, signal.SIGKILL)
        finally:
            worker.kill()
            worker.wait()
        assert worker.returncode == -signal.SIGKILL

        reopened = self.open_backend(tmp_path)
        try:
            assert reopened.stats() == before
            assert {q: self.search(reopened, q).total for q in counts} == counts
            # the next rebuild is not blocked by the dead one and completes
            builder = reopened.start_rebuild()
            for document in reopened.list_documents():
                builder.replace_document(document, reopened.mandates_of(document.id))
            assert reopened.finish_rebuild(builder) > before.version
            assert reopened.stats().mandates == before.mandates
            assert {q: self.search(reopened, q).total for q in counts} == counts
        finally:
            reopened.close()

