/* Command centre: a target's actuals against its straight path (plotly, from json_script data), and
 * the report's print button. No inline script: the content security policy forbids it. */
(function () {
  "use strict";

  function drawTarget(el) {
    var source = document.getElementById(el.getAttribute("data-command-chart"));
    if (!source || !window.Plotly) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (e) {
      return;
    }
    var traces = [
      { type: "scatter", mode: "lines", name: spec.path.name, x: spec.path.x, y: spec.path.y,
        line: { color: "#9aa5b1", dash: "dash" } },
      { type: "scatter", mode: "lines+markers", name: spec.actual.name, x: spec.actual.x, y: spec.actual.y,
        text: spec.actual.labels, hovertemplate: "%{text}: %{y}<extra></extra>", line: { color: "#0b5cad" } }
    ];
    var layout = {
      height: 300, margin: { l: 60, r: 10, t: 10, b: 40 }, showlegend: true,
      legend: { orientation: "h", y: -0.2 },
      font: { family: "system-ui, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif", size: 12 },
      xaxis: { type: "date" }, yaxis: { title: { text: spec.unit || "" }, rangemode: "tozero" },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
    };
    window.Plotly.newPlot(el, traces, layout, { displayModeBar: false, responsive: true });
  }

  function init() {
    var charts = document.querySelectorAll("[data-command-chart]");
    for (var i = 0; i < charts.length; i++) {
      drawTarget(charts[i]);
    }
    var buttons = document.querySelectorAll("[data-print]");
    for (var j = 0; j < buttons.length; j++) {
      buttons[j].addEventListener("click", function () { window.print(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
