/* Cell renderers for dash-ag-grid (looked up by name from columnDefs.cellRenderer). */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

// A small inline SVG line of the last hours' waits (a list of numbers, oldest first).
dagcomponentfuncs.Sparkline = function (props) {
  var values = Array.isArray(props.value) ? props.value.filter(function (v) { return typeof v === "number"; }) : [];
  var w = 100, h = 24, pad = 2;
  if (values.length < 2) {
    return React.createElement("span", { className: "spark-empty" }, "—");
  }
  var max = Math.max.apply(null, values.concat([1]));
  var step = (w - 2 * pad) / (values.length - 1);
  var points = values.map(function (v, i) {
    return (pad + i * step).toFixed(1) + "," + (h - pad - (v / max) * (h - 2 * pad)).toFixed(1);
  }).join(" ");
  var last = values[values.length - 1];
  return React.createElement(
    "svg",
    { className: "sparkline", width: w, height: h, viewBox: "0 0 " + w + " " + h, role: "img",
      "aria-label": values.length + " points, last " + last },
    React.createElement("polyline", { points: points, fill: "none", stroke: "currentColor", strokeWidth: 1.6 })
  );
};
