/* The admin's searchable pickers (select2) draw a box of their own over the real <select>, and that
   box has no name for assistive technology: give it the field's label. The admin's autocomplete.js
   draws the boxes when jQuery is ready, which can come after the page's "load" event (CI once ran the
   accessibility check on a box not yet named), so each box is named as it appears. */
(function () {
  "use strict";
  function name(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var drawn = select.nextElementSibling;
    if (!label || !drawn || !drawn.classList.contains("select2")) return;
    var text = label.textContent.replace(/:\s*$/, "").trim();
    drawn.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (box) {
      if (box.getAttribute("aria-label") !== text) box.setAttribute("aria-label", text);
    });
  }
  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
  }
  new MutationObserver(nameAll).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("load", nameAll);
})();
