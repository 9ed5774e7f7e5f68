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

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    shell: { clock: clock, langHref: langHref }
  });
})();
