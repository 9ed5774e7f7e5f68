/* Enterprise Service (/service): keep the URL in step with the filters, so a view can be
   bookmarked, shared and reloaded. The query string is the one dashboard.service.View
   writes (defaults left out); ids are those of layouts/ids.py. */
(function () {
  "use strict";
  var DEFAULTS = { district: "all", channel: "all", weeks: 26 };

  function query(district, channel, weeks) {
    var params = new URLSearchParams();
    var state = { district: district, channel: channel, weeks: weeks };
    ["district", "channel", "weeks"].forEach(function (key) {
      var v = state[key];
      if (v !== null && v !== undefined && v !== "" && v !== DEFAULTS[key]) {
        params.set(key, v);
      }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    service: {
      // replaceState, not a dcc.Location: the page router must not rebuild the page.
      syncUrl: function (district, channel, weeks) {
        if (window.location.pathname.replace(/\/$/, "").slice(-8) !== "/service") {
          return window.dash_clientside.no_update;
        }
        var search = query(district, channel, weeks);
        if (search !== window.location.search) {
          window.history.replaceState(window.history.state, "", window.location.pathname + search);
        }
        return search;
      }
    }
  });
})();
