// The interface strings of the six UN languages (service/i18n/<code>.json), carried by the page itself.
"use strict";
const STRINGS = JSON.parse(document.getElementById("ui-strings").textContent);
