/* The admin's searchable pickers (select2) draw a box of their own over the real <select>, and that
   box has no name for assistive technology: give it the field's label. Runs after the admin's
   autocomplete.js has drawn the boxes. */
window.addEventListener("load", function () {
  "use strict";
  document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var drawn = select.nextElementSibling;
    if (!label || !drawn) return;
    var name = label.textContent.replace(/:\s*$/, "").trim();
    drawn.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (box) {
      box.setAttribute("aria-label", name);
    });
  });
});
