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

  // Sessions (场次): a new row from the template; the focus moves to its first field (keyboard users).
  function addSessionRow(button) {
    const prefix = button.dataset.prefix;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
    const template = document.querySelector("[data-session-template]");
    const rows = document.querySelector("[data-session-rows]");
    const index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    const html = template.innerHTML.replaceAll("__prefix__", String(index))
      .replaceAll("__number__", String(rows.querySelectorAll("[data-session-row]").length + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const added = rows.lastElementChild;
    const first = added && added.querySelector("input:not([type=hidden]):not([type=checkbox])");
    if (first) first.focus();
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches(".facts-form select[name=venue]")) toggleNewVenue();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-exit]");
    if (button) addExitRow(button);
    const sessionButton = event.target.closest("[data-add-session]");
    if (sessionButton) addSessionRow(sessionButton);
  });
  document.addEventListener("DOMContentLoaded", toggleNewVenue);
})();
