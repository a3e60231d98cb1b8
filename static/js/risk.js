// Risk page: clicking (or pressing Enter on) a dimension bar filters the factor table to that dimension;
// clicking it again shows every factor. The page works fully without this script.
(function () {
  "use strict";
  var table = document.getElementById("risk-factors");
  if (!table) { return; }
  var active = null;
  function filter(dimension) {
    active = active === dimension ? null : dimension;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      row.hidden = active !== null && row.dataset.dimension !== active;
    });
    document.querySelectorAll(".risk-chart-bar").forEach(function (bar) {
      bar.setAttribute("aria-pressed", String(bar.dataset.dimension === active));
      bar.setAttribute("opacity", active === null || bar.dataset.dimension === active ? "1" : "0.4");
    });
  }
  document.querySelectorAll(".risk-chart-bar").forEach(function (bar) {
    bar.addEventListener("click", function () { filter(bar.dataset.dimension); });
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); filter(bar.dataset.dimension); }
    });
  });
})();
