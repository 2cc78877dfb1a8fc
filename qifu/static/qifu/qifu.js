// Small behaviours the pages need beyond htmx.
(function () {
  "use strict";
  // Cascading region selects: the hidden field holds the most specific region chosen;
  // choosing a level clears the levels below it (htmx reloads the next level's options).
  document.addEventListener("change", function (ev) {
    var sel = ev.target;
    if (!sel.classList || !sel.classList.contains("region-level")) return;
    var picker = sel.closest(".region-picker");
    var levels = picker.querySelectorAll("select.region-level");
    var level = parseInt(sel.dataset.level, 10);
    levels.forEach(function (s) {
      if (parseInt(s.dataset.level, 10) > level + 1) s.innerHTML = "<option value=''>—</option>";
    });
    var chosen = "";
    levels.forEach(function (s) {
      if (parseInt(s.dataset.level, 10) <= level && s.value) chosen = s.value;
    });
    picker.querySelector("input[type=hidden]").value = chosen;
  });
  // After an htmx filter update, keep the export link in step with the filters.
  document.addEventListener("htmx:afterSettle", function () {
    var link = document.getElementById("export-link");
    if (link) link.href = link.href.split("?")[0] + window.location.search;
  });
})();
