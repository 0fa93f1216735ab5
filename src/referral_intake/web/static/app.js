// Automatic logoff in the browser too: after the idle time with no key or pointer activity the page is
// replaced by the sign-in page, so patient data does not stay on an unattended screen.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="ri-idle-seconds"]');
  var idle = meta ? parseInt(meta.getAttribute("content"), 10) : 0;
  if (!idle || !document.body.hasAttribute("data-csrf")) { return; }
  var last = Date.now();
  ["keydown", "pointerdown", "wheel"].forEach(function (ev) {
    document.addEventListener(ev, function () { last = Date.now(); }, { passive: true });
  });
  window.setInterval(function () {
    if (Date.now() - last > idle * 1000) { window.location.replace("/login"); }
  }, 15000);
})();
