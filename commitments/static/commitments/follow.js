// Find a commitment on the subscribe and preferences pages: shows the search box (hidden without
// JavaScript, where the whole grouped list is there to scroll) and hides the commitments, and the
// theme groups, whose names do not contain what was typed. Ticked boxes stay ticked when hidden.
(function () {
  "use strict";
  document.querySelectorAll("input[data-filters]").forEach(function (search) {
    var list = document.getElementById(search.getAttribute("data-filters"));
    if (!list) { return; }
    search.closest("[hidden]").hidden = false;
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.querySelectorAll(".commitment-group").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll(".choice").forEach(function (choice) {
          var text = choice.textContent.toLowerCase();
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          choice.hidden = !match;
          shown += match ? 1 : 0;
        });
        group.hidden = shown === 0;
      });
    });
  });
})();
