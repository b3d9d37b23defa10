/* gaoxin charts: every element with data-chart="ID" is drawn from the JSON in <script id="ID"
 * type="application/json"> (Django's json_script), with the plotly.js finance bundle served by the site itself
 * (reading and drawing: plot.js, loaded first). No inline script and no CDN: charts work offline.
 *
 * The JSON describes a figure in plain terms, written by the page's service:
 *   {"kind": "bar" | "line" | "hbar", "stacked": bool,
 *    "x": [...categories] (bar, line) or "y": [...categories] (hbar),
 *    "series": [{"name": "...", "y": [...]} (bar, line) or {"name": "...", "x": [...]} (hbar)],
 *    "xtitle": "...", "ytitle": "...", "xmax": number}
 */
(function () {
  "use strict";

  var COLOURS = ["#0b5cad", "#2f9e44", "#f08c00", "#c92a2a", "#7048e8", "#1098ad", "#5c940d", "#862e9c"];

  function traces(spec) {
    var horizontal = spec.kind === "hbar";
    return (spec.series || []).map(function (s, i) {
      var t = { name: s.name, marker: { color: COLOURS[i % COLOURS.length] } };
      if (spec.kind === "line") {
        t.type = "scatter";
        t.mode = "lines+markers";
        t.x = spec.x;
        t.y = s.y;
        t.connectgaps = false;
        t.line = { color: COLOURS[i % COLOURS.length] };
      } else if (horizontal) {
        t.type = "bar";
        t.orientation = "h";
        t.y = spec.y;
        t.x = s.x;
      } else {
        t.type = "bar";
        t.x = spec.x;
        t.y = s.y;
      }
      return t;
    });
  }

  function layout(spec, el) {
    var horizontal = spec.kind === "hbar";
    var rows = horizontal ? (spec.y || []).length : 0;
    var l = {
      barmode: spec.stacked ? "stack" : "group",
      margin: { l: horizontal ? 170 : 50, r: 10, t: 10, b: 40 },
      height: horizontal ? Math.max(280, rows * 20 + 90) : 280,
      showlegend: (spec.series || []).length > 1,
      legend: { orientation: "h", y: -0.15 },
      font: { family: window.gaoxinPlot.FONT, size: 12 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      xaxis: { title: { text: spec.xtitle || "" }, automargin: true },
      yaxis: { title: { text: spec.ytitle || "" }, automargin: true },
    };
    // Values with thousands separators (1,500,000, not 1.5M: an SI suffix is not how a zone reads money)
    l.separators = ".,";
    var values = horizontal ? l.xaxis : l.yaxis;
    values.tickformat = ",~f";
    values.hoverformat = ",~f";
    if (spec.kind === "line") {
      l.xaxis.type = "category";
    }
    if (horizontal) {
      l.yaxis.autorange = "reversed";
      if (spec.xmax) {
        l.xaxis.range = [0, spec.xmax];
      }
    }
    if (el.clientWidth && el.clientWidth < 480) {
      l.margin.l = horizontal ? 120 : 40;
    }
    return l;
  }

  var P = window.gaoxinPlot;

  P.each("[data-chart]", function (el) {
    var spec = P.spec(el, "data-chart");
    if (!spec) {
      return;
    }
    if (!spec.series || !spec.series.length) {
      el.style.display = "none";
      return;
    }
    P.draw(el, traces(spec), layout(spec, el));
  });
})();
