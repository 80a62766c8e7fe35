/* Keyboard shortcuts on the triage screen: an extra over plain links and forms, which work without
   it. A key presses the first element marked data-key="<key>": c confirm and finish, r reject,
   s confirm and record status, d done, x not evidence, n next, p previous, l the commitment picker.
   Keys typed into a field, or with Ctrl, Alt or Meta, are left alone. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var legend = document.querySelector(".triage-keys");
    if (legend) legend.hidden = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var key = event.key.length === 1 ? event.key.toLowerCase() : "";
    if (!key) return;
    var found = document.querySelector('[data-key="' + key + '"]');
    if (!found) return;
    event.preventDefault();
    if (found.tagName === "INPUT") {
      found.focus();
    } else {
      found.click();
    }
  });
})();
