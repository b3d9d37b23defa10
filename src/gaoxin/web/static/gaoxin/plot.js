/* gaoxin plot: what every chart script of the site shares (charts.js, command.js, investment.js).
 * A chart element names, in one of its data- attributes, the id of a <script type="application/json">
 * (Django's json_script) holding the figure's JSON; the site's own plotly.js bundle draws it. No inline
 * script (the content security policy forbids it), no CDN.
 *   gaoxinPlot.spec(el, attr)  the parsed JSON named by el's attribute, or null (no plotly, no JSON)
 *   gaoxinPlot.draw(el, traces, layout)  Plotly.newPlot with the site's configuration
 *   gaoxinPlot.each(selector, fn)  fn(el) for every match once the document is ready
 *   gaoxinPlot.FONT  the font stack charts use (Chinese first where the system has it)
 */
(function () {
  "use strict";

  function spec(el, attr) {
    var source = document.getElementById(el.getAttribute(attr));
    if (!source || !window.Plotly) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (e) {
      return null;
    }
  }

  function draw(el, traces, layout) {
    window.Plotly.newPlot(el, traces, layout, { responsive: true, displayModeBar: false, displaylogo: false });
  }

  function each(selector, fn) {
    function run() {
      var nodes = document.querySelectorAll(selector);
      for (var i = 0; i < nodes.length; i++) {
        fn(nodes[i]);
      }
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  }

  window.gaoxinPlot = {
    spec: spec,
    draw: draw,
    each: each,
    FONT: "system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
  };
})();
