// The script of every page of the live preview: it shows the state of the build at the top of the
// page (problems, findings) and reloads the page when the version changes. XHTML-safe: it builds
// its elements with the DOM, never with innerHTML; its look is panel.css.
(function () {
  "use strict";
  var me = document.currentScript;
  var shown = me ? Number(me.getAttribute("data-version")) : NaN;
  var scrollKey = "plainpress-preview-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }

  function el(name, text, className) {
    var node = document.createElementNS("http://www.w3.org/1999/xhtml", name);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  var style = el("link");
  style.rel = "stylesheet";
  style.href = "/__panel.css";
  (document.head || document.documentElement).appendChild(style);
  if (location.pathname.indexOf("/book/") === 0) {  // margins, as a reading system gives the book's pages
    document.documentElement.classList.add("plainpress-book");
  }

  function panel(status) {
    var old = document.getElementById("plainpress-preview");
    if (old) { old.parentNode.removeChild(old); }
    var warnings = status.findings.filter(function (f) { return f.severity !== "error"; });
    var bad = !status.ok;
    var box = el("aside");
    box.id = "plainpress-preview";
    box.setAttribute("data-state", bad ? "problems" : (warnings.length ? "warnings" : "good"));
    box.setAttribute("aria-label", "Preview status");
    box.setAttribute("role", "status");
    var details = el("details");
    var summary;
    if (bad) {
      summary = "Preview: the last change has problems; showing the last good build";
      details.open = true;
    } else if (warnings.length) {
      summary = "Preview: " + warnings.length + (warnings.length === 1 ? " warning" : " warnings") +
        " from the checks";
    } else {
      summary = "Preview: no problems found";
    }
    details.appendChild(el("summary", summary));
    var list = el("ul");
    status.errors.forEach(function (text) { list.appendChild(el("li", text, "error")); });
    (bad ? [] : warnings).forEach(function (f) { list.appendChild(el("li", f.text)); });
    if (list.childNodes.length) { details.appendChild(list); }
    var home = el("a", "All pages of the preview");
    home.href = "/";
    details.appendChild(el("p")).appendChild(home);
    box.appendChild(details);
    document.body.insertBefore(box, document.body.firstChild);
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function poll() {
    fetch("/__version", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.version !== shown) { reload(); } else { setTimeout(poll, 300); }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }

  fetch("/__status", { cache: "no-store" })
    .then(function (response) { return response.json(); })
    .then(function (status) {
      if (status.version !== shown) { reload(); return; }
      panel(status);
      setTimeout(poll, 300);
    })
    .catch(function () { setTimeout(poll, 2000); });
})();
