// A resolution's page: its operative part in order, the paragraphs holding mandates marked,
// the adoption date and the official document on undocs.org.
"use strict";

let page = null;

function mandateLinks(ids, byId) {
  const p = document.createElement("p");
  p.className = "mandate-links";
  p.dir = document.documentElement.dir || "ltr";  // the page's words, in the page's direction
  p.append(`${t("mandatesHere")} `);
  for (const id of ids) {
    const m = byId[id];
    if (!m) continue;
    const a = document.createElement("a");
    a.href = `/mandates/${encodeURIComponent(id)}`;
    a.className = "citation";
    a.dir = "auto";
    a.textContent = citationOf(m);
    const tags = document.createElement("span");
    tags.innerHTML = ` ${badges(m)} `;
    p.append(a, tags);
  }
  return p;
}

function render() {
  if (!page) return;
  const byId = Object.fromEntries(page.mandates.map((m) => [m.id, m]));
  const head = document.getElementById("resolution");
  const search = `/?${new URLSearchParams({resolution: page.resolution, sort: "paragraph"})}`;
  head.innerHTML = `
    <h1 class="citation"><bdi>${escapeHtml(page.resolution)}</bdi></h1>
    ${page.title ? `<p class="res-title">${escapeHtml(page.title)}</p>` : ""}
    <dl class="facts">
      ${page.adopted ? `<dt>${escapeHtml(t("adoptedOn"))}</dt><dd><span class="adopted">${escapeHtml(page.adopted)}</span>${page.adopted_source === "session" ? ` <span class="by-session">${escapeHtml(t("adoptedBySession"))}</span>` : ""}</dd>` : ""}
      ${page.official_url ? `<dt>${escapeHtml(t("officialDocument"))}</dt><dd><a class="official" href="${escapeHtml(page.official_url)}" rel="noopener">${escapeHtml(page.official_url)}</a></dd>` : ""}
    </dl>
    <p><a href="${escapeHtml(search)}">${escapeHtml(t("searchThis"))}</a></p>`;
  document.title = `${page.resolution} · ${t("title")}`;
  const list = document.getElementById("operative");
  list.replaceChildren();
  if (page.paragraphs.length) {
    for (const paragraph of page.paragraphs) {
      const li = document.createElement("li");
      li.dir = "auto";  // the document's own direction (an English paragraph on an Arabic page, and back)
      li.className = paragraph.mandates.length ? "has-mandate" : "";
      const num = document.createElement("span");
      num.className = "pnum";
      num.textContent = paragraph.number ? `${paragraph.number}.` : "";
      const text = document.createElement("span");
      text.textContent = paragraph.text || t("noOriginal");
      li.append(num, text);
      if (paragraph.mandates.length) li.append(mandateLinks(paragraph.mandates, byId));
      list.append(li);
    }
  } else {  // known only from a mandate table: its rows
    document.getElementById("operative-heading").textContent = t("tableRows");
    for (const m of page.mandates) {
      const li = document.createElement("li");
      li.dir = "auto";
      li.className = "has-mandate";
      const text = document.createElement("span");
      text.lang = m.language;
      text.textContent = m.text;
      li.append(text, mandateLinks([m.id], byId));
      list.append(li);
    }
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  const symbol = document.getElementById("main").dataset.resolution;
  try {
    page = await api(`/v1/resolutions/${symbol.split("/").map(encodeURIComponent).join("/")}`);
    render();
  } catch (err) {
    document.getElementById("resolution").textContent = `${t("error")}: ${localError(err)}`;
  }
  document.addEventListener("langchange", render);
});
