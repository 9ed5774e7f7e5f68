/* Clientside callbacks of the shell (pure UI: no data, no server round trip). */
(function () {
  "use strict";
  // Beijing time regardless of the viewer's time zone (Asia/Shanghai is UTC+8, no DST).
  var beijing = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
  });

  function clock() {
    var p = {};
    beijing.formatToParts(new Date()).forEach(function (part) { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second;
  }

  // The language link goes to /lang/<code>?next=<current page>, so the switch comes back here.
  function langHref(pathname, search, href) {
    var base = (href || "").split("?")[0];
    return base + "?next=" + encodeURIComponent((pathname || "/") + (search || ""));
  }

  // --- Command Center -----------------------------------------------------------------
  // Ids are those of layouts/ids.py (a unit test checks every id named here exists).
  var REFRESH_ID = "shell-refresh-interval";
  var PAUSED_ID = "cc-paused-text";

  function trigger() {
    var c = window.dash_clientside.callback_context;
    return c && c.triggered && c.triggered.length ? c.triggered[0].prop_id : "";
  }

  // The view: the dropdown's choice, or the next district when the rotation timer fires.
  function view(selected, _n, config, current) {
    var views = (config && config.views) || ["all"];
    if (trigger().indexOf("cc-rotate-interval") === 0) {
      if (document.hidden) { return window.dash_clientside.no_update; }
      var i = views.indexOf(current);
      return views[(i + 1) % views.length];
    }
    return views.indexOf(selected) >= 0 ? selected : "all";
  }

  function viewTitle(current, config) {
    var names = (config && config.names) || {};
    var label = (config && config.view_label) || "";
    return label.replace("{name}", names[current] || names.all || current);
  }

  // A port chosen on the map (customdata) or on the queue board (the row's port_id).
  function selectPort(clickData, cellClicked, current) {
    var t = trigger();
    if (t.indexOf("cc-map-graph") === 0 && clickData && clickData.points && clickData.points.length) {
      var p = clickData.points[0].customdata;
      return typeof p === "string" ? p : window.dash_clientside.no_update;
    }
    if (t.indexOf("cc-board-grid") === 0 && cellClicked && cellClicked.rowId) {
      return cellClicked.rowId;
    }
    return window.dash_clientside.no_update;
  }

  // A session that ended (sign-out elsewhere, timeout, disabled account) makes Dash's
  // requests answer 401: go to the sign-in page instead of freezing old numbers on screen.
  var plainFetch = window.fetch;
  window.fetch = function (resource) {
    var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
    return plainFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && url.indexOf("_dash-") >= 0) {
        var here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here));
      }
      return response;
    });
  };

  // Pause the live refresh while the tab is hidden; resume when it is shown again.
  document.addEventListener("visibilitychange", function () {
    var dc = window.dash_clientside;
    if (!dc || !dc.set_props || !document.getElementById(REFRESH_ID)) { return; }
    dc.set_props(REFRESH_ID, { disabled: document.hidden });
    var paused = document.getElementById(PAUSED_ID);
    if (paused) {
      paused.textContent = document.hidden ? (paused.getAttribute("data-label") || "") : "";
    }
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    shell: { clock: clock, langHref: langHref },
    command: { view: view, viewTitle: viewTitle, selectPort: selectPort }
  });
})();
