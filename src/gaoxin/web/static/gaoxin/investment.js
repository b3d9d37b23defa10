/* gaoxin investment: the project funnel, drawn with the site's own plotly.js bundle from the JSON in
 * <script id="chart-funnel" type="application/json"> (Django's json_script). No inline script (the
 * content security policy forbids it), no CDN. The JSON is written by services.funnel_chart:
 *   {"stages": [...labels], "reached": [...], "active": [...], "dropped": [...], "labels": {...}}
 */
(function () {
  "use strict";

  var P = window.gaoxinPlot;

  function drawFunnel(el) {
    var spec = P.spec(el, "data-funnel");
    if (!spec || !spec.stages || !spec.reached) {
      return;
    }
    var total = spec.reached.reduce(function (a, b) { return a + b; }, 0);
    if (!total) {
      el.style.display = "none";
      return;
    }
    var trace = {
      type: "funnel",
      y: spec.stages,
      x: spec.reached,
      name: (spec.labels || {}).reached || "",
      textinfo: "value+percent initial",
      marker: { color: ["#0b5cad", "#1c6fc2", "#2f83d6", "#1098ad", "#2f9e44", "#5c940d"] },
      connector: { line: { color: "#d9e2ec" } },
      hovertemplate: "%{y}: %{x}<extra></extra>",
    };
    P.draw(el, [trace], {
      margin: { l: 90, r: 10, t: 10, b: 20 },
      height: 320,
      font: { family: P.FONT, size: 12 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: false,
    });
    el.setAttribute("data-drawn", "1");
  }

  P.each("[data-funnel]", drawFunnel);
})();
