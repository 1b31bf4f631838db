// The review queue (maintainers): the least certain model-made labels first, each confirmed or corrected
// in one action (PATCH /v1/mandates/{id}, a reviewed label); the model's release and a retrain button.
"use strict";

let queue = null;
const done = {};  // mandate id → {kind: "confirmed" | "corrected", area}

function token() { return document.getElementById("queue-token").value.trim(); }
function reviewer() { return document.getElementById("queue-reviewer").value.trim(); }

async function authorised(url, options = {}) {
  const response = await fetch(url, {...options, headers: {Accept: "application/json", Authorization: `Bearer ${token()}`,
                                                           ...(options.headers || {})}});
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((body && body.error) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

function signs(item) {
  const out = [tf("gapToSecond", {p: Math.round(item.margin * 100)})];
  if (item.versions_disagree) out.push(t("versionsDisagree"));
  out.push(tf("unlikeLabelled", {p: Math.round(item.novelty * 100)}));
  return out.join(" · ");
}

function renderQueue() {
  const list = document.getElementById("queue");
  const status = document.getElementById("queue-status");
  if (!queue) return;
  status.textContent = queue.total ? tf("queueCount", {n: queue.total, shown: queue.items.length}) : t("queueEmpty");
  const options = document.getElementById("area-options").content.querySelectorAll("option");
  list.innerHTML = queue.items.map((item) => {
    const m = item.mandate;
    const state = done[m.id];
    const choices = [...options].map((o) => `<option value="${escapeHtml(o.value)}"${o.value === m.action_area ? " selected" : ""}>${escapeHtml(label("areas", o.value))}</option>`).join("");
    const actions = state
      ? `<p class="review-done" role="status">${escapeHtml(state.kind === "confirmed" ? t("confirmed") : tf("correctedTo", {area: label("areas", state.area)}))}</p>`
      : `<p class="review-actions"><button type="button" data-confirm="${escapeHtml(m.id)}">${escapeHtml(t("confirm"))}</button>
           <label>${escapeHtml(t("correctTo"))} <select data-area-for="${escapeHtml(m.id)}">${choices}</select></label>
           <button type="button" data-correct="${escapeHtml(m.id)}">${escapeHtml(t("save"))}</button></p>`;
    return `<li class="queue-item${state ? " reviewed" : ""}">
      <p class="cite"><a href="/mandates/${encodeURIComponent(m.id)}">${escapeHtml(citationOf(m))}</a> ${badges(m)}</p>
      <p class="text">${escapeHtml(m.text)}</p>
      <p class="doubt">${escapeHtml(tf("doubtIs", {p: Math.round(item.doubt * 100)}))}: ${escapeHtml(signs(item))}</p>
      ${actions}
    </li>`;
  }).join("");
}

async function loadModel() {
  const el = document.getElementById("model-status");
  try {
    const s = await api("/v1/model");
    const name = s.release || t("shippedModel");
    const figures = Object.entries(s.figures || {}).map(([k, v]) => `${k} ${Number(v).toFixed(3)}`).join(", ");
    el.textContent = `${t("modelRelease")}: ${name}${figures ? ` (${figures})` : ""}. ` +
      tf("correctionsSince", {n: s.corrections - s.corrections_trained, every: s.retrain_after}) +
      (s.running ? ` ${t("retrainRunning")}` : "");
    document.getElementById("retrain").disabled = s.running;
  } catch (err) {
    el.textContent = `${t("error")}: ${localError(err)}`;
  }
}

async function loadQueue(event) {
  if (event) event.preventDefault();
  sessionStorage.setItem("unea-token", token());
  localStorage.setItem("unea-reviewer", reviewer());
  const params = new URLSearchParams({limit: "20"});
  const session = document.getElementById("queue-session").value.trim();
  const resolution = document.getElementById("queue-resolution").value.trim();
  if (session) params.append("session", session);
  if (resolution) params.append("resolution", resolution);
  const status = document.getElementById("queue-status");
  status.className = "";
  status.textContent = t("loading");
  try {
    queue = await authorised(`/v1/review-queue?${params}`);
    renderQueue();
  } catch (err) {
    status.className = "error";
    status.textContent = `${t("error")}: ${localError(err)}`;
  }
  loadModel();
}

async function review(id, area) {
  const item = queue.items.find((i) => i.mandate.id === id);
  const m = item.mandate;
  const confirming = area === null;
  const chosen = confirming ? m.action_area : area;
  const body = {reviewer: reviewer(), action_area: chosen,
                action_areas: confirming ? (m.action_areas && m.action_areas.length ? m.action_areas : [chosen]) : [chosen]};
  if (!body.reviewer) {
    document.getElementById("queue-status").textContent = `${t("error")}: ${t("reviewer")}`;
    return;
  }
  try {
    await authorised(`/v1/mandates/${encodeURIComponent(id)}`, {
      method: "PATCH", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    done[id] = {kind: confirming || chosen === m.action_area ? "confirmed" : "corrected", area: chosen};
    renderQueue();
    loadModel();
  } catch (err) {
    const status = document.getElementById("queue-status");
    status.className = "error";
    status.textContent = `${t("error")}: ${localError(err)}`;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("queue-token").value = sessionStorage.getItem("unea-token") || "";
  document.getElementById("queue-reviewer").value = localStorage.getItem("unea-reviewer") || "";
  document.getElementById("queue-form").addEventListener("submit", loadQueue);
  document.getElementById("queue").addEventListener("click", (event) => {
    const confirm = event.target.closest("[data-confirm]");
    const correct = event.target.closest("[data-correct]");
    if (confirm) review(confirm.dataset.confirm, null);
    if (correct) {
      const id = correct.dataset.correct;
      review(id, document.querySelector(`select[data-area-for="${CSS.escape(id)}"]`).value);
    }
  });
  document.getElementById("retrain").addEventListener("click", async () => {
    try {
      await authorised("/v1/model/retrain", {method: "POST"});
    } catch (err) {
      document.getElementById("model-status").textContent = `${t("error")}: ${localError(err)}`;
      return;
    }
    loadModel();
  });
  document.addEventListener("langchange", () => { renderQueue(); loadModel(); });
  loadModel();
  if (token()) loadQueue();
});
