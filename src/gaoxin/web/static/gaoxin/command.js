/* Command centre: a target's actuals against its straight path (plotly, from json_script data), and
 * the report's print button. No inline script: the content security policy forbids it. */
(function () {
  "use strict";

  var P = window.gaoxinPlot;

  function drawTarget(el) {
    var spec = P.spec(el, "data-command-chart");
    if (!spec) {
      return;
    }
    // Periods on the year-end scale (the year 2022 at 2022, the month 2026-06 at 2025.5): a linear axis
    // with a tick at every year, never a date axis (an instant moves with the time zone, and the end of
    // a year is drawn next to the following year's tick).
    var xs = spec.actual.x.concat(spec.path.x);
    var lo = Math.floor(Math.min.apply(null, xs));
    var hi = Math.ceil(Math.max.apply(null, xs));
    var step = Math.max(1, Math.ceil((hi - lo) / 12));
    var traces = [
      { type: "scatter", mode: "lines", name: spec.path.name, x: spec.path.x, y: spec.path.y,
        hovertemplate: "%{x:d}: %{y}<extra></extra>", line: { color: "#9aa5b1", dash: "dash" } },
      { type: "scatter", mode: "lines+markers", name: spec.actual.name, x: spec.actual.x, y: spec.actual.y,
        text: spec.actual.labels, hovertemplate: "%{text}: %{y}<extra></extra>", line: { color: "#0b5cad" } }
    ];
    var layout = {
      height: 320, margin: { l: 60, r: 10, t: 10, b: 70 }, showlegend: true,
      legend: { orientation: "h", y: -0.35 },
      font: { family: P.FONT, size: 12 },
      xaxis: { type: "linear", tickmode: "linear", tick0: lo, dtick: step, tickformat: "d",
               range: [lo - 0.3, hi + 0.3], title: { text: spec.xtitle || "" } },
      yaxis: { title: { text: spec.unit || "" }, rangemode: "tozero" },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
    };
    P.draw(el, traces, layout);
  }

  P.each("[data-command-chart]", drawTarget);
  P.each("[data-print]", function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
