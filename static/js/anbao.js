// anbao: tiny behaviours with no inline script (the content security policy forbids inline script).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) target.form.submit();
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// A row of tabs that scrolls sideways (.nav-tabs-scroll) shows its active tab: on a phone the later tabs start
// off screen, and the page the user is on must be visible among them.
document.querySelectorAll(".nav-tabs-scroll").forEach((row) => {
  const tab = row.querySelector(".active");
  if (!tab || row.scrollWidth <= row.clientWidth) return;
  const rowBox = row.getBoundingClientRect();
  const tabBox = tab.getBoundingClientRect();
  row.scrollLeft += tabBox.left - rowBox.left - (row.clientWidth - tabBox.width) / 2;
});
// A box that scrolls sideways (a wide table on a phone) can be scrolled with the keyboard: it takes the focus
// when nothing inside it can (WCAG 2.1.1; axe scrollable-region-focusable). After each htmx swap as well.
function focusableScrollBoxes(root) {
  root.querySelectorAll(".table-responsive, .nav-tabs-scroll").forEach((box) => {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
  });
}
focusableScrollBoxes(document);
document.addEventListener("htmx:afterSettle", (event) => focusableScrollBoxes(event.target));
