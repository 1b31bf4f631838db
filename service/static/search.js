// The search page: the query lives in the URL (shareable, back button), results come from /v1/mandates.
"use strict";

const FACET_FIELDS = ["resolution", "session", "actor", "action_area", "language", "with_partners"];
const PAGE_SIZE = 20;
const FACET_SHOWN = 12;
let lastResult = null;

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
    filters,
    offset: Math.max(0, parseInt(params.get("offset") || "0", 10) || 0),
  };
}

function paramsOf(state, extra) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.mode && state.mode !== "keyword") params.set("mode", state.mode);
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
  if (field === "session") return t("session")(value);
  return value;
}

function renderFacets(state, facets) {
  const box = document.getElementById("facets");
  box.replaceChildren();
  let n = 0;
  for (const field of FACET_FIELDS) {
    const counts = facets[field] || {};
    const selected = state.filters[field] || [];
    const values = Object.keys(counts).sort((a, b) => counts[b] - counts[a] || a.localeCompare(b, undefined, {numeric: true}));
    for (const v of selected) if (!values.includes(v)) values.unshift(v);
    if (!values.length) continue;
    const group = document.createElement("fieldset");
    group.className = "facet";
    group.dataset.field = field;
    const legend = document.createElement("legend");
    legend.textContent = t("fields")[field] || field;
    group.append(legend);
    values.slice(0, Math.max(FACET_SHOWN, selected.length)).forEach((value) => {
      const id = `facet-${n++}`;
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
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = counts[value] ?? 0;
      text.append(name, " ", count);
      row.append(box, text);
      group.append(row);
    });
    box.append(group);
  }
  if (Object.keys(state.filters).length) {
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "clear";
    clear.textContent = t("clearFilters");
    clear.addEventListener("click", () => go({...stateFromUrl(), filters: {}, offset: 0}));
    box.append(clear);
  }
}

function renderHits(result) {
  const list = document.getElementById("hits");
  list.replaceChildren();
  for (const hit of result.hits) {
    const m = hit.mandate;
    const item = document.createElement("li");
    item.className = "hit";
    item.innerHTML = `
      <p class="mandate-text" lang="${escapeHtml(m.language)}">${safeHighlight(hit.highlight || m.text)}</p>
      <p class="meta">
        <a class="citation" href="/mandates/${encodeURIComponent(m.id)}">${escapeHtml(hit.citation)}</a>
        ${badges(m)}
        ${m.actor_entity || m.actor_text ? `<span class="addressee" title="${escapeHtml(t("addressee"))}">→ ${escapeHtml(m.actor_entity || m.actor_text)}</span>` : ""}
      </p>`;
    list.append(item);
  }
}

function renderStatus(state, result) {
  const from = result.total ? state.offset + 1 : 0;
  const to = state.offset + result.hits.length;
  document.getElementById("status").textContent = t("results")(result.total, from, to);
  document.getElementById("prev").disabled = state.offset <= 0;
  document.getElementById("next").disabled = to >= result.total;
  document.getElementById("export-csv").href = `/v1/export?${paramsOf(state, {format: "csv"})}`;
  document.getElementById("export-json").href = `/v1/export?${paramsOf(state, {format: "json"})}`;
  document.getElementById("plan-link").href = `/plan?${paramsOf(state, {lang: currentLang()})}`;
}

async function run() {
  const state = stateFromUrl();
  document.getElementById("q").value = state.q;
  document.getElementById("mode").value = state.mode;
  const status = document.getElementById("status");
  status.textContent = t("loading");
  try {
    const result = await api(`/v1/mandates?${paramsOf(state, {limit: PAGE_SIZE, offset: state.offset})}`);
    lastResult = {state, result};
    renderStatus(state, result);
    renderHits(result);
    renderFacets(state, result.facets || {});
  } catch (err) {
    document.getElementById("hits").replaceChildren();
    status.textContent = `${t("error")}: ${err.message}`;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const state = stateFromUrl();
    state.q = document.getElementById("q").value.trim();
    state.mode = document.getElementById("mode").value;
    state.offset = 0;
    go(state);
  });
  document.getElementById("prev").addEventListener("click", () => {
    const s = stateFromUrl(); s.offset = Math.max(0, s.offset - PAGE_SIZE); go(s);
  });
  document.getElementById("next").addEventListener("click", () => {
    const s = stateFromUrl(); s.offset += PAGE_SIZE; go(s);
  });
  window.addEventListener("popstate", run);
  document.addEventListener("langchange", () => {
    if (!lastResult) return;
    renderStatus(lastResult.state, lastResult.result);
    renderHits(lastResult.result);
    renderFacets(lastResult.state, lastResult.result.facets || {});
  });
  run();
});
