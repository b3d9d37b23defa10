// Import page: poll the import's progress, move the bar, reload the page when the import ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector(".progress > span");
  var meter = box.querySelector("[role=progressbar]");
  var text = box.querySelector("[data-progress-text]");

  function show(state) {
    var pct = Math.round((state.progress || 0) * 100);
    if (bar) { bar.style.width = pct + "%"; }
    if (meter) { meter.setAttribute("aria-valuenow", String(pct)); }
    if (text) { text.textContent = pct + "%"; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (state) {
        show(state);
        if (state.done) { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
