// The application page's reviewer tools: expand/collapse every plan section, open everything before printing,
// and the inline document viewer (pdf.js from pdfjs-dist, served locally; loaded only when a PDF is opened).
// A module file, no inline script (CSP); the viewer's URLs come from data attributes on #document-viewer.

function sectionToggle(button) {
  const box = document.querySelector(button.dataset.toggleSections);
  if (!box) return;
  const panels = () => [...box.querySelectorAll(".accordion-collapse")];
  const label = () => {
    const allOpen = panels().every((panel) => panel.classList.contains("show"));
    button.textContent = allOpen ? button.dataset.labelCollapse : button.dataset.labelExpand;
    button.setAttribute("aria-expanded", String(allOpen));
  };
  button.hidden = false;
  label();
  button.addEventListener("click", () => {
    const open = !panels().every((panel) => panel.classList.contains("show"));
    for (const panel of panels()) window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false })[open ? "show" : "hide"]();
  });
  box.addEventListener("shown.bs.collapse", label);
  box.addEventListener("hidden.bs.collapse", label);
}

// Printing gives the whole 审批表: folded history and sections open (the print stylesheet shows the rest).
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("main details")) details.open = true;
});

let pdfjs = null;
let renderRun = 0;

async function loadPdfjs(viewer) {
  if (!pdfjs) {
    pdfjs = await import(viewer.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = viewer.dataset.pdfjsWorker;
  }
  return pdfjs;
}

async function showPdf(viewer, url, pages, status, run) {
  const lib = await loadPdfjs(viewer);
  const task = lib.getDocument({
    url, withCredentials: true, cMapUrl: viewer.dataset.pdfjsCmaps, cMapPacked: true,
    standardFontDataUrl: viewer.dataset.pdfjsFonts, wasmUrl: viewer.dataset.pdfjsWasm, enableXfa: false,
  });
  const pdf = await task.promise;
  const width = Math.max(280, pages.clientWidth - 8);
  for (let number = 1; number <= pdf.numPages; number += 1) {
    if (run !== renderRun) { pdf.destroy(); return; } // another document was opened meanwhile
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const scale = width / base.width;
    const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.className = "document-viewer-page";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", viewer.dataset.pageLabel.replace("{n}", number).replace("{total}", pdf.numPages));
    canvas.dataset.page = String(number);
    pages.append(canvas);
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
  }
  status.textContent = viewer.dataset.totalLabel.replace("{total}", pdf.numPages);
  pages.dataset.rendered = String(pdf.numPages);
}

function showImage(url, title, pages) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.className = "img-fluid document-viewer-image";
    image.alt = title;
    image.onload = () => { pages.dataset.rendered = "1"; resolve(); };
    image.onerror = reject;
    image.src = url;
    pages.append(image);
  });
}

async function openDocument(trigger) {
  const viewer = document.getElementById("document-viewer");
  if (!viewer || !window.bootstrap) return false;
  const pages = viewer.querySelector("[data-viewer-pages]");
  const status = viewer.querySelector("[data-viewer-status]");
  const url = trigger.dataset.viewDocument;
  const title = trigger.dataset.viewTitle || "";
  renderRun += 1;
  const run = renderRun;
  pages.replaceChildren();
  delete pages.dataset.rendered;
  status.textContent = viewer.dataset.loading;
  viewer.querySelector(".modal-title").textContent = title;
  viewer.querySelector("[data-viewer-download]").href = url;
  window.bootstrap.Modal.getOrCreateInstance(viewer).show();
  try {
    if (trigger.dataset.viewKind === "pdf") await showPdf(viewer, url, pages, status, run);
    else { await showImage(url, title, pages); status.textContent = ""; }
  } catch (error) {
    if (run === renderRun) status.textContent = viewer.dataset.failed;
  }
  return true;
}

document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-view-document]");
  if (!trigger) return;
  event.preventDefault();
  openDocument(trigger);
});

for (const button of document.querySelectorAll("[data-toggle-sections]")) sectionToggle(button);
