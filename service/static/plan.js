// The /plan page: the print button (the print stylesheet in plan.css does the rest), and one
// language for the interface and the plan's headings (which the server draws, from ?lang=).
"use strict";
document.getElementById("print-plan")?.addEventListener("click", () => window.print());

function redrawIn(lang) {
  const params = new URLSearchParams(location.search);
  params.set("lang", lang);
  location.search = params.toString();
}

// the plan's headings are drawn in English or Chinese; the other interface languages get English headings
function planLang() {
  return currentLang() === "zh" ? "zh" : "en";
}

const asked = new URLSearchParams(location.search).get("lang");
if (asked === "en" || asked === "zh") {
  // a link with ?lang= sets the interface language too (common.js applies it on DOMContentLoaded,
  // which comes after this script); English headings under a French page keep the French interface
  if (asked !== planLang()) localStorage.setItem("unea-lang", asked);
} else if (planLang() !== "en") {
  redrawIn(planLang());
}
document.addEventListener("langchange", () => {
  if (planLang() !== (asked === "zh" ? "zh" : "en")) redrawIn(planLang());
});
