// Shared by both pages: language, escaping, badges, API calls.
"use strict";

// The six UN languages the interface speaks (their strings: service/i18n, loaded as /i18n/strings.js).
const UI_LANGUAGES = ["ar", "en", "es", "fr", "ru", "zh"];

function currentLang() {
  const saved = localStorage.getItem("unea-lang");
  if (UI_LANGUAGES.includes(saved)) return saved;
  const browser = (navigator.language || "en").toLowerCase().slice(0, 2);
  return UI_LANGUAGES.includes(browser) ? browser : "en";
}

function t(key) {
  const value = STRINGS[currentLang()][key];
  return value === undefined ? STRINGS.en[key] : value;
}

// A string with {name} placeholders filled in; a plural table ({one, few, many, other …}) gives the form
// the language uses for params.n (the browser's Intl.PluralRules: Russian and Arabic have several).
function tf(key, params = {}) {
  let value = t(key);
  if (value && typeof value === "object") {
    const category = new Intl.PluralRules(currentLang()).select(Number(params.n));
    value = value[category] ?? value.other;
  }
  return String(value ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// Items as a list in the page's language ("Arabic, English and Chinese", "阿拉伯文、英文和中文",
// "árabe, inglés y chino"): the browser's Intl.ListFormat, not ", " in every language.
function listOf(items) {
  return new Intl.ListFormat(currentLang(), {style: "long", type: "conjunction"}).format(items.map(String));
}

function label(group, value) {
  const table = t(group) || {};
  return table[value] || value;
}

function applyI18n() {
  const lang = currentLang();
  document.documentElement.lang = lang === "zh" ? "zh-Hans" : lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";  // Arabic reads right to left
  const select = document.getElementById("lang-select");
  if (select) select.value = lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = lang === "zh" ? "English" : "中文";
  toggle.setAttribute("aria-label", lang === "zh" ? "Switch to English" : "切换到中文");
  document.title = t("title");
}

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => (
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

// Escape everything, then re-allow only <mark> and </mark>: the highlight is never trusted as HTML.
function safeHighlight(text) {
  return escapeHtml(text).replace(/&lt;(\/?)mark&gt;/g, "<$1mark>");
}

function badges(m) {
  const out = [];
  if (m.actor) {
    // a model's guess says so (dashed, with its confidence); rules and the document do not
    const guess = m.actor_source === "model";
    const title = guess && m.actor_confidence != null ? `${t("fields").actor} · ${tf("confidence", {p: Math.round(Number(m.actor_confidence) * 100)})}` : t("fields").actor;
    out.push(`<span class="badge actor actor-${escapeHtml(m.actor)}${guess ? " by-model" : ""}" title="${escapeHtml(title)}">${escapeHtml(label("actors", m.actor))}${guess ? "?" : ""}</span>`);
  }
  if (m.action_area) {
    // an uncertain model label is shown as such (dashed, "?"), never like a sure one
    const unsure = m.uncertain ? " uncertain" : "";
    const title = m.uncertain ? t("uncertain") : t("fields").action_area;
    out.push(`<span class="badge area area-${escapeHtml(m.action_area)}${unsure}" title="${escapeHtml(title)}">${escapeHtml(label("areas", m.action_area))}${m.uncertain ? " ?" : ""}</span>`);
    for (const other of (m.action_areas || []).filter((a) => a !== m.action_area)) {
      out.push(`<span class="badge area also area-${escapeHtml(other)}" title="${escapeHtml(t("alsoAreas"))}">+ ${escapeHtml(label("areas", other))}</span>`);
    }
  }
  if (m.with_partners) out.push(`<span class="badge partners">${escapeHtml(t("withPartners"))}</span>`);
  out.push(`<span class="badge lang">${escapeHtml(label("languages", m.language))}</span>`);
  return out.join(" ");
}

async function api(url) {
  const response = await fetch(url, {headers: {Accept: "application/json"}});
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  if (!response.ok) {
    const message = (body && (body.error || body.detail)) || response.statusText;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

// A server message in the page's language: what kind of refusal it is, in words, then the server's detail.
function localError(err) {
  const kind = (t("httpErrors") || {})[err.status];
  if (!kind || currentLang() === "en") return err.message;
  return currentLang() === "zh" ? `${kind}（${err.message}）` : `${kind} (${err.message})`;
}

// A mandate's citation as the page's language writes it (the API's citation is English): "para. 4",
// "par. 4", "párr. 4", "п. 4", "الفقرة 4", "第4段"; a table row is cited in full in English and Chinese.
function citationOf(m) {
  if (currentLang() === "en") return m.citation;
  const where = m.source || {};
  if (m.paragraph && m.resolution) {
    const cited = tf("citationParagraph", {resolution: m.resolution, paragraph: m.paragraph});
    // a paragraph holding several mandates: which one ("…, para. 11, second mandate" in English)
    return where.kind === "paragraph" && where.item ? cited + tf("citationClause", {n: where.item}) : cited;
  }
  if (currentLang() !== "zh") return m.citation;
  if (where.kind === "table" && where.row) {
    const place = [where.document_symbol, where.annex ? `附件${where.annex}` : null].filter(Boolean).join("，");
    const item = where.item ? `第${where.item}项` : "";
    return `${place ? place + "，" : ""}第${where.row}行${item}（关于第${m.resolution_number || m.resolution}号决议）`;
  }
  if (where.kind === "table") return `${m.resolution}（任务表）`;
  return m.citation;
}

document.addEventListener("DOMContentLoaded", () => {
  applyI18n();
  document.getElementById("lang-toggle").addEventListener("click", () => {
    localStorage.setItem("unea-lang", currentLang() === "zh" ? "en" : "zh");
    applyI18n();
    document.dispatchEvent(new CustomEvent("langchange"));
  });
  document.getElementById("lang-select")?.addEventListener("change", (event) => {
    localStorage.setItem("unea-lang", event.target.value);
    applyI18n();
    document.dispatchEvent(new CustomEvent("langchange"));
  });
});
