// The /plan page: the print button (the print stylesheet in plan.css does the rest), and one
// language for the interface and the plan's headings (which the server draws, from ?lang=).
"use strict";
document.getElementById("print-plan")?.addEventListener("click", () => window.print());

function redrawIn(lang) {
  const params = new URLSearchParams(location.search);
  params.set("lang", lang);
  location.search = params.toString();
}

const asked = new URLSearchParams(location.search).get("lang");
if (UI_LANGUAGES.includes(asked)) {
  // a link with ?lang= sets the interface language too (common.js applies it on DOMContentLoaded,
  // which comes after this script)
  if (asked !== currentLang()) localStorage.setItem("unea-lang", asked);
} else if (currentLang() !== "en") {
  redrawIn(currentLang());
}
document.addEventListener("langchange", () => {
  if (currentLang() !== (asked || "en")) redrawIn(currentLang());
});
