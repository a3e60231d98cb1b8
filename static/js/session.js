// What is typed survives the 30-minute idle logout (accounts/sessions.py HtmxSessionExpiredMiddleware).
//
// - A signed-out htmx request answers 401 + X-Session-Expired: htmx swaps nothing, so the form keeps its text;
//   the answer's hint (sign in again in a new tab, then 重试保存) goes into the form and the text is also kept in
//   sessionStorage. 重试保存 takes the new CSRF token (signing in rotates it) and submits the form again.
// - Forms marked data-keep="<key>" are copied to sessionStorage on every input and restored after a reload
//   (the copy is removed once the form is saved); while one has unsaved input, leaving the page asks first.
// No inline script (CSP).
(function () {
  "use strict";

  const PREFIX = "anbao:kept:";

  function storageKey(form) {
    return PREFIX + form.dataset.keep;
  }

  function fields(form) {
    return Array.from(form.elements).filter((el) => el.name && el.name !== "csrfmiddlewaretoken"
      && el.type !== "file" && el.type !== "submit" && el.type !== "button" && el.type !== "hidden");
  }

  function keep(form) {
    if (!form.dataset.keep || !form.isConnected) return;  // a late answer for a form already replaced
    const values = {};
    fields(form).forEach((el) => {
      values[el.name] = (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
    });
    try {
      window.sessionStorage.setItem(storageKey(form), JSON.stringify(values));
    } catch (error) { /* storage full or disabled: the form still holds the text */ }
  }

  function forget(form) {
    if (!form.dataset.keep) return;
    try { window.sessionStorage.removeItem(storageKey(form)); } catch (error) { /* nothing kept */ }
  }

  function restore(form) {
    let values = null;
    try { values = JSON.parse(window.sessionStorage.getItem(storageKey(form)) || "null"); } catch (error) { return; }
    if (!values) return;
    let changed = false;
    fields(form).forEach((el) => {
      if (!(el.name in values)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked !== values[el.name]) { el.checked = values[el.name]; changed = true; }
      } else if (el.value !== values[el.name]) {
        el.value = values[el.name];
        changed = true;
      }
    });
    if (changed) {
      form.dataset.dirty = "1";
      const note = document.createElement("div");
      note.className = "alert alert-info py-2 small";
      note.dataset.testid = "restored";
      note.textContent = document.body.dataset.restoredText || "";
      const body = form.querySelector("fieldset") || form;
      body.insertBefore(note, body.firstChild);
    } else {
      forget(form);
    }
  }

  function csrfCookie() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  // Signing in again gave the browser a new CSRF token: every form and htmx's header must send that one.
  function refreshCsrf() {
    const token = csrfCookie();
    if (!token) return;
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((input) => { input.value = token; });
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  }

  function formOf(element) {
    if (!element) return null;
    return element.tagName === "FORM" ? element : element.closest("form");
  }

  document.addEventListener("input", (event) => {
    const form = formOf(event.target);
    if (form && form.dataset.keep) {
      form.dataset.dirty = "1";
      keep(form);
    }
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 401 || xhr.getResponseHeader("X-Session-Expired") !== "1") return;
    const form = formOf(event.detail.elt);
    if (!form || !form.isConnected) return;
    keep(form);
    form.querySelectorAll("[data-session-expired]").forEach((old) => old.remove());
    const holder = document.createElement("div");
    holder.innerHTML = xhr.responseText;  // our own server's fragment (no script: CSP)
    const hint = holder.firstElementChild;
    if (!hint) return;
    const body = form.querySelector("fieldset") || form;
    body.insertBefore(hint, body.firstChild);
    hint.querySelector("[data-session-retry]")?.focus();
  });

  document.addEventListener("click", (event) => {
    const retry = event.target.closest("[data-session-retry]");
    if (!retry) return;
    const form = formOf(retry);
    retry.closest("[data-session-expired]")?.remove();
    refreshCsrf();
    if (form) form.requestSubmit();
  });

  // A save that went through: the form is about to be replaced by the server's copy (still in the page now,
  // unlike after the swap); the kept copy is no longer needed. A refused save (a field error) stays unsaved.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const source = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    const elt = formOf(source);  // the form that asked (the event itself fires on the swap's target)
    const xhr = event.detail.xhr;
    if (!elt || !elt.dataset.keep || !xhr || xhr.status >= 300 || source.hasAttribute("data-autosave")) return;
    const key = elt.dataset.keep;
    if (/invalid-feedback|alert-danger/.test(xhr.responseText || "")) {
      document.body.addEventListener("htmx:afterSettle", () => {
        document.querySelectorAll("form[data-keep]").forEach((form) => {
          if (form.dataset.keep === key) form.dataset.dirty = "1";
        });
      }, { once: true });
    } else {
      forget(elt);
      delete elt.dataset.dirty;
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (document.querySelector("form[data-keep][data-dirty]")) {
      event.preventDefault();
      event.returnValue = "";  // older browsers want a value; the message is the browser's own
    }
  });

  // A real (non-htmx) submit leaves the page on purpose.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.keep && !form.hasAttribute("hx-post")) delete form.dataset.dirty;
  });

  function restoreAll() {
    document.querySelectorAll("form[data-keep]").forEach(restore);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restoreAll);
  else restoreAll();
})();
