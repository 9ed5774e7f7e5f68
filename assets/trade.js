/* Trade Trends (/trade): keep the URL in step with the page state (so a view can be
   bookmarked and shared) and print the one-page brief. Ids are those of layouts/ids.py. */
(function () {
  "use strict";
  var KEYS = [
    ["preset", "preset", "12m"], ["start", "start", null], ["end", "end", null],
    ["districts", "districts", ""], ["direction", "dir", "IE"], ["currency", "cur", "USD"],
    ["granularity", "g", "month"], ["dimension", "mix", "hs_section"]
  ];

  function query(state) {
    var params = new URLSearchParams();
    KEYS.forEach(function (k) {
      var v = state[k[0]];
      if (Array.isArray(v)) { v = v.join(","); }
      if ((k[0] === "start" || k[0] === "end") && state.preset !== "custom") { return; }
      if (v !== null && v !== undefined && v !== "" && v !== k[2]) { params.set(k[1], v); }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    trade: {
      // replaceState, not a dcc.Location: the page router must not rebuild the page.
      syncUrl: function (state) {
        if (!state || window.location.pathname.replace(/\/$/, "").slice(-6) !== "/trade") {
          return window.dash_clientside.no_update;
        }
        var search = query(state);
        if (search !== window.location.search) {
          window.history.replaceState(window.history.state, "", window.location.pathname + search);
        }
        return search;
      },
      print: function (n) {
        if (n) { window.setTimeout(function () { window.print(); }, 50); }
        return n || 0;
      }
    }
  });
})();
