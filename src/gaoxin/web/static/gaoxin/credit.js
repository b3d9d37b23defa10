// Score run page: poll the run's status and move the progress bar; reload when the run ends.
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

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (state) {
        show(state);
        if (state.status === "running") { window.setTimeout(poll, 1000); }
        else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
