// Background work (an import, a score run): poll its status URL, move the progress bar, and reload the
// page when the work has ended. The element carrying data-status-url holds the bar; the JSON answer has
// `progress` (0..1) and either `done` (imports) or `status` (runs), and optionally `message`.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector(".progress > span");
  var meter = box.querySelector("[role=progressbar]");
  var text = box.querySelector("[data-progress-text]");
  var message = box.querySelector("[data-progress-message]");

  function show(state) {
    var pct = Math.round((state.progress || 0) * 100);
    if (bar) { bar.style.width = pct + "%"; }
    if (meter) { meter.setAttribute("aria-valuenow", String(pct)); }
    if (text) { text.textContent = pct + "%"; }
    if (message && state.message) { message.textContent = state.message; }
  }

  function ended(state) {
    if (state.done !== undefined) { return state.done === true; }
    return state.status !== "running" && state.status !== "queued";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (state) {
        show(state);
        if (ended(state)) { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
