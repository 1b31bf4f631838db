// A mandate's page: the mandate, its paragraph in context, its other-language versions, its review
// history and (for maintainers, with the token) a form to correct its labels.
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
    + (m.actor_source === "model" && m.actor_confidence != null ? ` (${tf("confidence", {p: Math.round(Number(m.actor_confidence) * 100)})})` : "")]);
  if (m.action_area_source) facts.push([`${t("fields").action_area} · ${t("labelFrom")}`, label("origin", m.action_area_source)]);
  if (m.action_areas && m.action_areas.length > 1) facts.push([t("alsoAreas"), listOf(m.action_areas.slice(1).map((a) => label("areas", a)))]);
  if (m.with_partners_source) facts.push([`${t("fields").with_partners} · ${t("labelFrom")}`, label("origin", m.with_partners_source)]);
  if (m.action_area_precedent) facts.push([t("precedent"), m.action_area_precedent]);
  if (m.scores && m.action_area && m.action_area_source === "model") {
    facts.push([`${t("fields").action_area} · ${tf("confidence", {p: Math.round(Number(m.scores[m.action_area] || 0) * 100)})}`,
                m.uncertain ? t("uncertain") : label("areas", m.action_area)]);
  }
  if (m.versions_agreed && m.versions_agreed.length > 1) {
    facts.push([t("versionsAgreed"), listOf(m.versions_agreed.map((code) => label("languages", code)))]);
    const own = ownReadingDiffers(m);
    if (own.length) facts.push([t("ownReading"), own.join("; ")]);
  }
  if (doc) facts.push([t("document"), doc.symbol || doc.source_file || doc.id]);
  article.innerHTML = `
    <h1 class="citation"><bdi>${escapeHtml(citationOf(m))}</bdi></h1>
    ${m.resolution_title ? `<p class="res-title">${escapeHtml(m.resolution_title)}</p>` : ""}
    <p class="badges">${badges(m)}</p>
    ${m.clause ? `<blockquote class="mandate-text clause" lang="${escapeHtml(m.language)}" dir="auto"><mark>${escapeHtml(m.clause)}</mark></blockquote>
    <details class="whole-paragraph"><summary>${escapeHtml(t("context"))}</summary>
      <p class="paragraph-text" lang="${escapeHtml(m.language)}" dir="auto">${ownClauseMarked(m)}</p></details>`
    : `<blockquote class="mandate-text" lang="${escapeHtml(m.language)}" dir="auto">${escapeHtml(m.text)}</blockquote>`}
    <dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`;
  document.title = `${citationOf(m)} · ${t("title")}`;

  const context = document.getElementById("context");
  context.replaceChildren();
  for (const entry of detail.context) {
    const li = document.createElement("li");
    li.className = entry.current ? "current" : "";
    if (entry.current) li.setAttribute("aria-current", "true");
    const cite = document.createElement(entry.current ? "strong" : "a");
    cite.className = "citation";
    cite.dir = "auto";  // a symbol ("2015/a/69/687, para. 4") keeps its order on a right-to-left page
    cite.textContent = entry.paragraph ? `${entry.paragraph}.` : entry.citation;
    if (!entry.current) cite.href = `/mandates/${encodeURIComponent(entry.id)}`;
    const text = document.createElement("span");
    text.textContent = ` ${entry.text}`;
    li.append(cite, text);
    context.append(li);
  }

  renderHistory();
  relabelForm();

  const other = document.getElementById("other-languages");
  other.replaceChildren();
  if (!detail.other_languages.length) {
    const p = document.createElement("p");
    p.className = "none";
    p.textContent = t("noOtherLanguages");
    other.append(p);
  }
  for (const version of detail.other_languages) {
    const how = version.match === "paragraph" ? t("sameParagraph") : tf("closestByMeaning", {score: Number(version.score).toFixed(2)});
    const v = version.mandate;
    const block = document.createElement("div");
    block.className = `other-version match-${escapeHtml(version.match)}`;
    block.innerHTML = `
      <p class="meta"><span class="badge lang">${escapeHtml(label("languages", v.language))}</span>
        <a class="citation" dir="auto" href="/mandates/${encodeURIComponent(v.id)}">${escapeHtml(citationOf(v))}</a>
        <span class="match">${escapeHtml(how)}</span>${(version.disagrees || []).length ? ` <span class="disagrees">${escapeHtml(tf("labelsDisagree", {labels: version.disagrees.map((f) => disagreement(f, m, v)).join("; ")}))}</span>` : ""}</p>
      <blockquote lang="${escapeHtml(v.language)}" dir="auto">${escapeHtml(v.text)}</blockquote>`;
    other.append(block);
  }
}

// The whole paragraph with this mandate's own clause marked (a paragraph holding several mandates).
function ownClauseMarked(m) {
  const at = m.text.indexOf(m.clause);
  if (at < 0) return escapeHtml(m.text);
  return `${escapeHtml(m.text.slice(0, at))}<mark>${escapeHtml(m.clause)}</mark>${escapeHtml(m.text.slice(at + m.clause.length))}`;
}

// "Actor: Intergovernmental bodies here, – above": a label a version reads otherwise, both readings shown
// (the verb class by the verbs themselves: "Prie" here, "Requests" above).
// A version's labels as its own language read them (before the versions' labels were agreed into one).
function ownLabel(m, field) {
  const own = m.language_reading || {};
  return field in own ? own[field] : m[field];
}

function ownReadingDiffers(m) {
  return ["actor", "action_area"].filter((field) => ownLabel(m, field) !== m[field]).map((field) =>
    `${t("fields")[field] || field}: ${ownLabel(m, field) == null ? "–" : label(field === "actor" ? "actors" : "areas", ownLabel(m, field))}`);
}

function disagreement(field, mine, theirs) {
  const reading = (m) => {
    if (field === "verb_class") return m.verb || "–";
    const value = ownLabel(m, field);
    if (value === null || value === undefined) return "–";
    return field === "actor" ? label("actors", value) : field === "action_area" ? label("areas", value) : String(value);
  };
  return tf("disagreeItem", {field: t("fields")[field] || field, theirs: reading(theirs), ours: reading(mine)});
}

function renderHistory() {
  const list = document.getElementById("history");
  list.replaceChildren();
  const entries = detail.history || [];
  if (!entries.length) {
    const li = document.createElement("li");
    li.className = "none";
    li.textContent = t("noHistory");
    list.append(li);
  }
  for (const entry of entries) {
    const li = document.createElement("li");
    // action_areas of one area only repeats action_area: not shown
    const changes = Object.entries(entry.changes).filter(([field, value]) => field !== "action_areas" || value.length > 1)
      .map(([field, value]) => {
        const before = entry.previous[field];
        return `${t("fields")[field] || t("allAreas")}: ${shown(field, before)} → ${shown(field, value)}`;
      });
    li.textContent = `${entry.at} · ${entry.reviewer}: ${changes.join("; ")}${entry.note ? ` (${entry.note})` : ""}`;
    list.append(li);
  }
}

function shown(field, value) {
  if (value === null || value === undefined) return "–";
  if (Array.isArray(value)) return listOf(value.map((v) => label("areas", v)));
  if (field === "actor") return label("actors", value);
  if (field === "action_area") return label("areas", value);
  if (field === "with_partners") return label("yesNo", String(value));
  return String(value);
}

// Option texts in the page's language (the values are the schema's codes, rendered by the server).
function relabelForm() {
  document.querySelectorAll("#review-form [data-label]").forEach((el) => {
    el.textContent = label(el.dataset.label, el.dataset.value || el.value);
  });
  document.querySelectorAll("#review-form [data-i18n-field]").forEach((el) => {
    el.textContent = t("fields")[el.dataset.i18nField];
  });
}

function correctionBody() {
  const body = {reviewer: document.getElementById("review-reviewer").value.trim()};
  const actor = document.getElementById("review-actor").value;
  const area = document.getElementById("review-area").value;
  const also = [...document.querySelectorAll("#review-also input:checked")].map((el) => el.value);
  const partners = document.getElementById("review-partners").value;
  const note = document.getElementById("review-note").value.trim();
  if (actor) body.actor = actor;
  if (area) body.action_area = area;
  if (also.length) body.action_areas = [area || (detail.mandate.action_area || also[0]), ...also];
  if (partners) body.with_partners = partners === "true";
  if (note) body.note = note;
  return body;
}

async function submitCorrection(event) {
  event.preventDefault();
  const status = document.getElementById("review-status");
  const token = document.getElementById("review-token").value.trim();
  const reviewer = document.getElementById("review-reviewer").value.trim();
  sessionStorage.setItem("unea-token", token);  // this tab only: gone when it closes
  localStorage.setItem("unea-reviewer", reviewer);
  status.className = "";
  status.textContent = t("saving");
  try {
    const response = await fetch(`/v1/mandates/${encodeURIComponent(detail.mandate.id)}`, {
      method: "PATCH",
      headers: {"Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}`},
      body: JSON.stringify(correctionBody()),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.error) || response.statusText);
    detail = body;
    render();
    status.textContent = t("saved");
  } catch (err) {
    status.className = "error";
    status.textContent = `${t("error")}: ${err.message}`;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  document.getElementById("review-token").value = sessionStorage.getItem("unea-token") || "";
  document.getElementById("review-reviewer").value = localStorage.getItem("unea-reviewer") || "";
  document.getElementById("review-form").addEventListener("submit", submitCorrection);
  const id = document.getElementById("main").dataset.mandateId;
  if (document.referrer && new URL(document.referrer).origin === location.origin) {
    document.getElementById("back").href = document.referrer;
  }
  try {
    detail = await api(`/v1/mandates/${encodeURIComponent(id)}`);
    render();
  } catch (err) {
    document.getElementById("mandate").textContent = `${t("error")}: ${localError(err)}`;
  }
  document.addEventListener("langchange", render);
});
