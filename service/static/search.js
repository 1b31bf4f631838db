// The search page: the query lives in the URL (shareable, back button), results come from /v1/mandates.
"use strict";

const FACET_FIELDS = ["resolution", "session", "actor", "action_area", "language", "with_partners"];
const PAGE_SIZE = 20;
const FACET_SHOWN = 12;
const PHONE = window.matchMedia("(max-width: 760px)");
let lastResult = null;
const expanded = new Set();  // facets opened with "more"
const facetFilter = {};  // facet → the words typed in its search box

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const field of FACET_FIELDS) {
    const values = params.getAll(field);
    if (values.length) filters[field] = values;
  }
  return {
    q: params.get("q") || "",
    mode: params.get("mode") || "keyword",
    sort: params.get("sort") || "relevance",
    year: params.get("year") || "",
    filters,
    offset: Math.max(0, parseInt(params.get("offset") || "0", 10) || 0),
  };
}

function paramsOf(state, extra) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.mode && state.mode !== "keyword") params.set("mode", state.mode);
  if (state.sort && state.sort !== "relevance") params.set("sort", state.sort);
  if (state.year) params.set("year", state.year);
  for (const [field, values] of Object.entries(state.filters)) values.forEach((v) => params.append(field, v));
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  return params;
}

function go(state) {
  const params = paramsOf(state, state.offset ? {offset: state.offset} : {});
  history.pushState(null, "", params.toString() ? `/?${params}` : "/");
  run();
}

function facetLabel(field, value) {
  if (field === "actor") return label("actors", value);
  if (field === "action_area") return label("areas", value);
  if (field === "language") return label("languages", value);
  if (field === "with_partners") return label("yesNo", value);
  if (field === "session") return tf("session", {n: value});
  return value;
}

function facetRow(state, field, value, count, n) {
  const selected = state.filters[field] || [];
  const id = `facet-${n}`;
  const row = document.createElement("div");
  row.className = "facet-row";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = id;
  box.value = value;
  box.checked = selected.includes(value);
  box.addEventListener("change", () => {
    const next = stateFromUrl();
    const current = new Set(next.filters[field] || []);
    if (box.checked) current.add(value); else current.delete(value);
    if (current.size) next.filters[field] = [...current]; else delete next.filters[field];
    next.offset = 0;
    go(next);
  });
  const text = document.createElement("label");
  text.htmlFor = id;
  const name = document.createElement("span");
  name.textContent = facetLabel(field, value);
  name.dir = "auto";  // a symbol value keeps its order on a right-to-left page
  const counter = document.createElement("span");
  counter.className = "count";
  counter.textContent = count ?? 0;
  text.append(name, " ", counter);
  row.append(box, text);
  return row;
}

function renderFacets(state, facets) {
  const box = document.getElementById("facets");
  box.replaceChildren();
  let n = 0;
  for (const field of FACET_FIELDS) {
    const counts = facets[field] || {};
    const selected = state.filters[field] || [];
    let values = Object.keys(counts).sort((a, b) => counts[b] - counts[a] || a.localeCompare(b, undefined, {numeric: true}));
    for (const v of selected) if (!values.includes(v)) values.unshift(v);
    if (!values.length) continue;
    const group = document.createElement("fieldset");
    group.className = "facet";
    group.dataset.field = field;
    const legend = document.createElement("legend");
    legend.textContent = t("fields")[field] || field;
    group.append(legend);
    const all = values.length;
    if (all > FACET_SHOWN) {  // a long facet can be searched and opened in full
      const search = document.createElement("input");
      search.type = "search";
      search.className = "facet-search";
      search.placeholder = t("facetSearch");
      search.setAttribute("aria-label", `${t("facetSearch")}: ${legend.textContent}`);
      search.value = facetFilter[field] || "";
      search.addEventListener("input", () => {
        facetFilter[field] = search.value;
        renderFacets(state, facets);
        const again = document.querySelector(`.facet[data-field="${field}"] .facet-search`);
        if (again) { again.focus(); again.setSelectionRange(again.value.length, again.value.length); }
      });
      group.append(search);
      const words = (facetFilter[field] || "").trim().toLowerCase();
      if (words) values = values.filter((v) => `${v} ${facetLabel(field, v)}`.toLowerCase().includes(words));
    }
    const shown = expanded.has(field) ? values.length : Math.max(FACET_SHOWN, selected.length);
    values.slice(0, shown).forEach((value) => group.append(facetRow(state, field, value, counts[value], n++)));
    if (values.length > shown || (expanded.has(field) && all > FACET_SHOWN)) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "facet-more";
      more.textContent = expanded.has(field) ? t("fewer") : tf("more", {n: values.length - shown});
      more.addEventListener("click", () => {
        if (expanded.has(field)) expanded.delete(field); else expanded.add(field);
        renderFacets(state, facets);
      });
      group.append(more);
    }
    box.append(group);
  }
  if (Object.keys(state.filters).length || state.year) {
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "clear";
    clear.textContent = t("clearFilters");
    clear.addEventListener("click", () => go({...stateFromUrl(), filters: {}, year: "", offset: 0}));
    box.append(clear);
  }
}

// A mandate's own clause, with the search's marks, cut out of the marked whole paragraph (the highlight
// is the paragraph's text with only <mark>…</mark> added): a mark cut in two is closed and reopened.
function markedClause(marked, clause) {
  const plain = marked.replace(/<\/?mark>/g, "");
  const start = plain.indexOf(clause);
  if (start < 0) return null;
  const end = start + clause.length;
  let out = "", at = 0, open = false, inside = false;
  for (const piece of marked.split(/(<\/?mark>)/)) {
    if (piece === "<mark>" || piece === "</mark>") {
      open = piece === "<mark>";
      if (at >= start && at < end && open !== inside) { out += piece; inside = open; }
      continue;
    }
    const from = Math.max(start, at), to = Math.min(end, at + piece.length);
    if (from < to) {
      if (open && !inside) { out += "<mark>"; inside = true; }
      out += piece.slice(from - at, to - at);
    }
    at += piece.length;
  }
  return inside ? `${out}</mark>` : out;
}

// The mandate's own clause when its paragraph holds several (the whole paragraph one click away), else the paragraph.
function mandateText(hit) {
  const m = hit.mandate;
  const whole = safeHighlight(hit.highlight || m.text);
  const own = m.clause ? markedClause(hit.highlight || m.text, m.clause) : null;
  if (own === null) return `<p class="mandate-text" lang="${escapeHtml(m.language)}" dir="auto">${whole}</p>`;
  return `<p class="mandate-text clause" lang="${escapeHtml(m.language)}" dir="auto">${safeHighlight(own)}</p>
    <details class="whole-paragraph"><summary>${escapeHtml(t("context"))}</summary>
      <p class="paragraph-text" lang="${escapeHtml(m.language)}" dir="auto">${whole}</p></details>`;
}

function hitItem(hit) {
  const m = hit.mandate;
  const item = document.createElement("li");
  item.className = "hit";
  const bySession = hit.adopted_source === "session" ? ` <span class="by-session">${escapeHtml(t("adoptedBySession"))}</span>` : "";
  const adopted = hit.adopted ? `<span class="adopted">${escapeHtml(t("adopted"))} ${escapeHtml(hit.adopted)}${bySession}</span>` : "";
  item.innerHTML = `
    ${mandateText(hit)}
    <p class="meta">
      <a class="citation" dir="auto" href="/mandates/${encodeURIComponent(m.id)}">${escapeHtml(citationOf(m))}</a>
      ${badges(m)} ${adopted}
      ${m.actor_entity || m.actor_text ? `<span class="addressee" title="${escapeHtml(t("addressee"))}">→ ${escapeHtml(m.actor_entity || m.actor_text)}</span>` : ""}
    </p>`;
  return item;
}

function renderHits(result) {
  const list = document.getElementById("hits");
  list.replaceChildren(...result.hits.map(hitItem));
  const box = document.getElementById("related-box");
  const related = result.related || [];
  box.hidden = !related.length;
  const heading = result.related_by === "words" ? "wordsHeading" : "closestHeading";
  document.getElementById("related-heading").textContent = related.length ? t(heading) : "";
  document.getElementById("related").replaceChildren(...related.map(hitItem));
}

function renderNotice(state, result) {
  const notice = document.getElementById("notice");
  notice.replaceChildren();
  if (result.resolution) {
    const p = document.createElement("p");
    p.className = "resolution-notice";
    const link = document.createElement("a");
    link.href = `/resolutions/${result.resolution.split("/").map(encodeURIComponent).join("/")}`;
    link.textContent = t("openResolution");
    p.append(`${tf("resolutionNotice", {s: result.resolution})} `, link);
    notice.append(p);
  }
  if ((result.suggestions || []).length) {
    const p = document.createElement("p");
    p.className = "suggestions";
    p.append(`${t("didYouMean")} `);
    for (const s of result.suggestions) {
      const a = document.createElement("a");
      a.className = "suggestion";
      a.href = `/?${paramsOf({...state, q: s, offset: 0})}`;
      a.textContent = s;
      a.addEventListener("click", (event) => { event.preventDefault(); go({...stateFromUrl(), q: s, offset: 0}); });
      p.append(a);
    }
    notice.append(p);
  }
}

function renderStatus(state, result) {
  const from = result.total ? state.offset + 1 : 0;
  const to = state.offset + result.hits.length;
  const counted = result.total_relation === "gte" ? "resultsAtLeast" : "results";
  let text = result.total ? tf(counted, {n: result.total, from, to}) : t("resultsNone");
  if (result.relevance_floor != null && state.q) text += ` ${tf("floorNote", {f: result.relevance_floor})}`;
  if (!result.total && (result.related || []).length) text = t(result.related_by === "words" ? "noMeaningMatch" : "noExactMatch");
  document.getElementById("status").textContent = text;
  document.getElementById("prev").disabled = state.offset <= 0;
  document.getElementById("next").disabled = to >= result.total;
  document.getElementById("export-csv").href = `/v1/export?${paramsOf(state, {format: "csv"})}`;
  document.getElementById("export-json").href = `/v1/export?${paramsOf(state, {format: "json"})}`;
  document.getElementById("plan-link").href = `/plan?${paramsOf(state, {lang: currentLang()})}`;
}

function renderAll() {
  if (!lastResult) return;
  const {state, result} = lastResult;
  renderStatus(state, result);
  renderNotice(state, result);
  renderHits(result);
  renderFacets(state, result.facets || {});
}

function clearResults() {
  // nothing of the previous search may stay on screen as if it answered this one
  lastResult = null;
  for (const id of ["hits", "facets", "notice", "related"]) document.getElementById(id).replaceChildren();
  document.getElementById("related-box").hidden = true;
  document.getElementById("prev").disabled = true;
  document.getElementById("next").disabled = true;
}

async function renderCoverage() {
  try {
    const body = await api("/v1/documents");
    const c = body.coverage;
    if (!c) return;
    const part = (k) => {  // the API's English names of a body and session, in the page's language
      const unea = /^UNEA-(\d+)$/.exec(k);
      return unea ? tf("session", {n: unea[1]}) : k === "body not stated" ? t("bodyNotStated") : k;
    };
    const parts = Object.entries(c.by_body_session).map(([k, n]) => `${part(k)}: ${n}`).join(", ");
    const langs = Object.entries(c.mandates_by_language).map(([k, n]) => `${label("languages", k)} ${n}`).join(", ");
    document.getElementById("coverage").textContent = tf("coverage", {
      docs: tf("docsCount", {n: c.documents}), mandates: tf("mandatesCount", {n: c.mandates}), parts, langs});
  } catch (_) { /* the search itself reports errors */ }
}

// Each run() numbers its request; only the latest may draw. Without this, the page's first
// (empty-query) answer arriving after the user's own search overwrote it on a slow backend.
let latestRun = 0;

async function run() {
  const mine = ++latestRun;
  const state = stateFromUrl();
  document.getElementById("q").value = state.q;
  document.getElementById("mode").value = state.mode;
  document.getElementById("sort").value = state.sort;
  document.getElementById("year").value = state.year;
  const status = document.getElementById("status");
  status.textContent = t("loading");
  try {
    const result = await api(`/v1/mandates?${paramsOf(state, {limit: PAGE_SIZE, offset: state.offset})}`);
    if (mine !== latestRun) return;  // a newer search is on its way: this answer is stale
    lastResult = {state, result};
    renderAll();
  } catch (err) {
    if (mine !== latestRun) return;
    clearResults();
    status.textContent = `${t("error")}: ${localError(err)}`;
  }
}

function turnPage(delta) {
  const s = stateFromUrl();
  s.offset = Math.max(0, s.offset + delta);
  go(s);
  window.scrollTo({top: 0});
  document.getElementById("status").focus({preventScroll: true});
}

document.addEventListener("DOMContentLoaded", () => {
  const filtersBox = document.getElementById("filters-box");
  filtersBox.open = !PHONE.matches;  // on a phone the results come first; the filters open on demand
  PHONE.addEventListener("change", () => { filtersBox.open = !PHONE.matches; });
  document.getElementById("status").tabIndex = -1;
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const state = stateFromUrl();
    state.q = document.getElementById("q").value.trim();
    state.mode = document.getElementById("mode").value;
    state.sort = document.getElementById("sort").value;
    state.year = document.getElementById("year").value.trim();
    state.offset = 0;
    go(state);
  });
  document.getElementById("prev").addEventListener("click", () => turnPage(-PAGE_SIZE));
  document.getElementById("next").addEventListener("click", () => turnPage(PAGE_SIZE));
  window.addEventListener("popstate", run);
  document.addEventListener("langchange", () => {
    if (lastResult) renderAll(); else run();  // an error message is asked again, in the new language
    renderCoverage();
  });
  renderCoverage();
  run();
});
