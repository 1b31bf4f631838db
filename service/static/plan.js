// The /plan page: the print button (the print stylesheet in plan.css does the rest).
"use strict";
document.getElementById("print-plan")?.addEventListener("click", () => window.print());
