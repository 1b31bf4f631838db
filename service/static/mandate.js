// A mandate's page: the mandate, its paragraph in context, its other-language versions.
"use strict";

let detail = null;

function render() {
  const article = document.getElementById("mandate");
  if (!detail) return;
  const m = detail.mandate;
  const doc = detail.document;
  const facts = [];
  if (m.actor_entity) facts.push([t("addressee"), m.actor_entity]);
  if (m.actor_text) facts.push([t("actorText"), m.actor_text]);
  const others = (m.actor_entities || []).filter((e) => e.name !== m.actor_entity);
  if (others.length) facts.push([t("addressees"), others.map((e) => e.partner ? `${e.name} (${t("partner")})` : e.name).join("; ")]);
  if (m.verb) facts.push([t("verb"), m.verb]);
  if (m.actor_source) facts.push([`${t("fields").actor} · ${t("labelFrom")}`, label("origin", m.actor_source)
    + (m.actor_source === "model" && m.actor_confidence != null ? ` (${t("confidence")(m.actor_confidence)})` : "")]);
  if (m.action_area_source) facts.push([`${t("fields").action_area} · ${t("labelFrom")}`, label("origin", m.action_area_source)]);
  if (doc) facts.push([t("document"), doc.symbol || doc.source_file || doc.id]);
  article.innerHTML = `
    <h1 class="citation">${escapeHtml(m.citation)}</h1>
    ${m.resolution_title ? `<p class="res-title">${escapeHtml(m.resolution_title)}</p>` : ""}
    <p class="badges">${badges(m)}</p>
    <blockquote class="mandate-text" lang="${escapeHtml(m.language)}">${escapeHtml(m.text)}</blockquote>
    <dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`;
  document.title = `${m.citation} · ${t("title")}`;

  const context = document.getElementById("context");
  context.replaceChildren();
  for (const entry of detail.context) {
    const li = document.createElement("li");
    li.className = entry.current ? "current" : "";
    if (entry.current) li.setAttribute("aria-current", "true");
    const cite = document.createElement(entry.current ? "strong" : "a");
    cite.className = "citation";
    cite.textContent = entry.paragraph ? `${entry.paragraph}.` : entry.citation;
    if (!entry.current) cite.href = `/mandates/${encodeURIComponent(entry.id)}`;
    const text = document.createElement("span");
    text.textContent = ` ${entry.text}`;
    li.append(cite, text);
    context.append(li);
  }

  const other = document.getElementById("other-languages");
  other.replaceChildren();
  if (!detail.other_languages.length) {
    const p = document.createElement("p");
    p.className = "none";
    p.textContent = t("noOtherLanguages");
    other.append(p);
  }
  for (const version of detail.other_languages) {
    const m = version.match === "paragraph" ? t("sameParagraph") : t("closestByMeaning")(version.score);
    const v = version.mandate;
    const block = document.createElement("div");
    block.className = `other-version match-${escapeHtml(version.match)}`;
    block.innerHTML = `
      <p class="meta"><span class="badge lang">${escapeHtml(label("languages", v.language))}</span>
        <a class="citation" href="/mandates/${encodeURIComponent(v.id)}">${escapeHtml(v.citation)}</a>
        <span class="match">${escapeHtml(m)}</span></p>
      <blockquote lang="${escapeHtml(v.language)}">${escapeHtml(v.text)}</blockquote>`;
    other.append(block);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  const id = document.getElementById("main").dataset.mandateId;
  if (document.referrer && new URL(document.referrer).origin === location.origin) {
    document.getElementById("back").href = document.referrer;
  }
  try {
    detail = await api(`/v1/mandates/${encodeURIComponent(id)}`);
    render();
  } catch (err) {
    document.getElementById("mandate").textContent = `${t("error")}: ${err.message}`;
  }
  document.addEventListener("langchange", render);
});
