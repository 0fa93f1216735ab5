// The review screen's keyboard flow and source highlighting (a static file: the CSP forbids inline script).
//   focus a field      -> its source box is outlined on the page image and scrolled into view
//   Enter in a field   -> the value is saved (confirmed or corrected); focus moves to the next flagged field
//   Alt+N / Alt+M / Alt+A / Alt+R / Alt+J -> next flagged field / patient match / approve / reject reason / next case
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";

  function fieldInputs() { return Array.prototype.slice.call(document.querySelectorAll("form.field input[name=value]")); }
  function flaggedInputs() { return fieldInputs().filter(function (i) { return i.closest("form").classList.contains("flagged"); }); }

  function clearHighlights() {
    document.querySelectorAll(".page .hl").forEach(function (h) { h.hidden = true; });
  }

  function highlight(form) {
    clearHighlights();
    var page = form.getAttribute("data-page");
    var bbox = form.getAttribute("data-bbox");
    if (!page || !bbox) { return; }
    var fig = document.getElementById("page-" + page);
    if (!fig) { return; }
    var img = fig.querySelector("img");
    var hl = fig.querySelector(".hl");
    var b = bbox.split(",").map(parseFloat);
    var w = parseFloat(fig.getAttribute("data-width"));
    var h = parseFloat(fig.getAttribute("data-height"));
    if (!img || !hl || !w || !h || b.length !== 4) { return; }
    // bbox is in PDF points from the top-left; the image may be scaled to the column, so use percentages
    hl.style.left = (b[0] / w * 100) + "%";
    hl.style.top = (b[1] / h * 100) + "%";
    hl.style.width = ((b[2] - b[0]) / w * 100) + "%";
    hl.style.height = ((b[3] - b[1]) / h * 100) + "%";
    hl.hidden = false;
    var pages = document.querySelector(".pages");
    if (pages) {
      var top = fig.offsetTop + img.clientHeight * (b[1] / h) - pages.clientHeight / 3;
      pages.scrollTo({ top: Math.max(0, top), behavior: "auto" });
    }
  }

  function nextFlagged(from) {
    var list = flaggedInputs();
    if (!list.length) { return null; }
    var all = fieldInputs();
    var start = from ? all.indexOf(from) : -1;
    for (var k = 1; k <= all.length; k++) {
      var cand = all[(start + k) % all.length];
      if (list.indexOf(cand) >= 0) { return cand; }
    }
    return list[0];
  }

  function updateCount(left) {
    var c = document.getElementById("flag-count");
    if (c) { c.textContent = left + " flagged"; }
  }

  function save(form) {
    var input = form.querySelector("input[name=value]");
    var msg = form.querySelector(".msg");
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).then(function (res) {
      if (res.data.ok) {
        input.value = res.data.value;
        input.removeAttribute("aria-invalid");
        form.classList.remove("flagged");
        form.classList.add("confirmed");
        msg.textContent = "Confirmed";
        updateCount(res.data.flagged_left);
        var nxt = nextFlagged(input);
        if (nxt) { nxt.focus(); } else {
          var approve = document.getElementById("approve-btn");
          var match = document.querySelector("#match-form input[type=radio]:not([disabled])");
          (match && !document.querySelector("#match-form input[type=radio]:checked") ? match : approve || input).focus();
        }
      } else {
        input.setAttribute("aria-invalid", "true");
        msg.textContent = res.data.error || res.data.detail || "Could not save this value.";
        input.focus();
      }
    }).catch(function () {
      msg.textContent = "Could not reach the server; the value was not saved.";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fieldInputs().forEach(function (input) {
      var form = input.closest("form");
      input.addEventListener("focus", function () { highlight(form); });
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (!input.readOnly) { save(form); }
      });
    });
    var first = flaggedInputs().filter(function (i) { return !i.readOnly; })[0];
    if (first && !document.getElementById("case-error")) { first.focus(); }
  });

  document.addEventListener("keydown", function (ev) {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var key = ev.key.toLowerCase();
    if (key === "n") {
      var nxt = nextFlagged(document.activeElement);
      if (nxt) { nxt.focus(); }
    } else if (key === "m") {
      var radio = document.querySelector("#match-form input[type=radio]:checked") ||
        document.querySelector("#match-form input[type=radio]");
      if (radio) { radio.focus(); }
    } else if (key === "a") {
      var form = document.getElementById("approve-form");
      if (form) { form.requestSubmit(); }
    } else if (key === "j") {
      var next = document.getElementById("next-case");
      if (next) { window.location.assign(next.getAttribute("href")); }
    } else if (key === "r") {
      var reason = document.getElementById("reject-reason");
      if (reason) { reason.focus(); }
    } else { return; }
    ev.preventDefault();
  });
})();
