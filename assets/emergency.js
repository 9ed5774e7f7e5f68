/* Emergency Response (/emergency): keep the URL in step with the filters and the incident
   opened, so a view can be bookmarked, shared and reloaded. The query string is the one
   dashboard.emergency.View writes (defaults left out); ids are those of layouts/ids.py. */
(function () {
  "use strict";
  var DEFAULTS = { district: "all", severity: "", category: "all", weeks: 13, incident: "" };

  function query(state) {
    var params = new URLSearchParams();
    ["district", "severity", "category", "weeks", "incident"].forEach(function (key) {
      var v = state[key];
      if (v !== null && v !== undefined && v !== "" && v !== DEFAULTS[key]) {
        params.set(key, v);
      }
    });
    var text = params.toString().replace(/%2C/g, ",");
    return text ? "?" + text : "";
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    emergency: {
      // replaceState, not a dcc.Location: the page router must not rebuild the page.
      syncUrl: function (district, severity, category, weeks, incident) {
        if (window.location.pathname.replace(/\/$/, "").slice(-10) !== "/emergency") {
          return window.dash_clientside.no_update;
        }
        var order = ["I", "II", "III", "IV"];
        var sev = (severity || []).slice().sort(function (a, b) {
          return order.indexOf(a) - order.indexOf(b);
        }).join(",");
        var search = query({
          district: district, severity: sev, category: category, weeks: weeks,
          incident: incident || ""
        });
        if (search !== window.location.search) {
          window.history.replaceState(window.history.state, "", window.location.pathname + search);
        }
        return search;
      }
    }
  });
})();
