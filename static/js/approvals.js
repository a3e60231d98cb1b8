// approvals pages: the new-venue fieldset and its exits formset. No inline script (CSP); htmx does the rest.
(function () {
  "use strict";

  function toggleNewVenue() {
    const select = document.querySelector(".facts-form select[name=venue]");
    const fieldset = document.querySelector("[data-new-venue]");
    if (!select || !fieldset) return;
    const show = select.value === "";
    fieldset.hidden = !show;
    fieldset.disabled = !show;
  }

  function addExitRow(button) {
    const prefix = button.dataset.prefix;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
    const template = document.querySelector("[data-exit-template]");
    const rows = document.querySelector("[data-exit-rows]");
    const index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
    total.value = String(index + 1);
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches(".facts-form select[name=venue]")) toggleNewVenue();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-exit]");
    if (button) addExitRow(button);
  });
  document.addEventListener("DOMContentLoaded", toggleNewVenue);
})();
