// newsidx serve: keyboard, timeline dragging and match navigation.
// The page works without this script: every action here is also a link.
(function () {
  "use strict";

  function hits() { return Array.prototype.slice.call(document.querySelectorAll("article.hit")); }
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  // j/k: move the selection between hits; Enter opens the selected one.
  var current = -1;
  function select(i) {
    var list = hits();
    if (!list.length) return;
    i = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (h, n) { h.classList.toggle("selected", n === i); });
    current = i;
    list[i].scrollIntoView({ block: "nearest" });
    var link = list[i].querySelector("a.title");
    if (link) link.focus({ preventScroll: true });
  }

  // n/p on an article: the next or previous highlighted match.
  var match = -1;
  function marks() { return Array.prototype.slice.call(document.querySelectorAll(".doc-body mark")); }
  function goMatch(step) {
    var list = marks();
    if (!list.length) return;
    match = (match + step + list.length) % list.length;
    list.forEach(function (m, n) { m.classList.toggle("current", n === match); });
    list[match].scrollIntoView({ block: "center" });
    var pos = document.getElementById("match-pos");
    if (pos) pos.textContent = (match + 1) + " of " + list.length;
  }

  var keys = document.getElementById("keys");
  function toggleKeys(show) {
    if (!keys) return;
    keys.hidden = show === undefined ? !keys.hidden : !show;
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    switch (e.key) {
      case "/": {
        var q = document.getElementById("q");
        if (q) { e.preventDefault(); q.focus(); q.select(); }
        break;
      }
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "Enter": {
        var h = hits()[current];
        var a = h && h.querySelector("a.title");
        if (a) { e.preventDefault(); window.location.href = a.href; }
        break;
      }
      case "n": goMatch(1); break;
      case "p": goMatch(-1); break;
      case "?": toggleKeys(); break;
      case "Escape": toggleKeys(false); break;
      default: return;
    }
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t || !t.closest) return;
    if (t.closest("[data-keys]")) { e.preventDefault(); toggleKeys(); }
    else if (t.closest("[data-next]")) { e.preventDefault(); goMatch(1); }
    else if (t.closest("[data-prev]")) { e.preventDefault(); goMatch(-1); }
  });

  // Timeline: a click follows the bar's link; a drag across bars narrows
  // the dates to the bars dragged over.
  var svg = document.getElementById("timeline");
  if (svg) {
    var bars = Array.prototype.slice.call(svg.querySelectorAll("a.bar"));
    var from = -1, to = -1;
    var indexOf = function (e) {
      var a = e.target.closest && e.target.closest("a.bar");
      return a ? bars.indexOf(a) : -1;
    };
    var shade = function () {
      var lo = Math.min(from, to), hi = Math.max(from, to);
      bars.forEach(function (b, i) { b.classList.toggle("dragging", from >= 0 && i >= lo && i <= hi); });
    };
    svg.addEventListener("mousedown", function (e) {
      var i = indexOf(e);
      if (i < 0) return;
      e.preventDefault();
      from = to = i;
      shade();
    });
    svg.addEventListener("mouseover", function (e) {
      if (from < 0) return;
      var i = indexOf(e);
      if (i >= 0) { to = i; shade(); }
    });
    var finish = function () {
      if (from < 0) return;
      var lo = Math.min(from, to), hi = Math.max(from, to);
      from = to = -1;
      var base = svg.getAttribute("data-base") || "/";
      var sep = base.indexOf("?") >= 0 ? "&" : "?";
      window.location.href = base + sep + "since=" + encodeURIComponent(bars[lo].getAttribute("data-period")) +
        "&until=" + encodeURIComponent(bars[hi].getAttribute("data-period"));
    };
    document.addEventListener("mouseup", finish);
    // The link itself is followed by `finish`; stop the browser following it too.
    svg.addEventListener("click", function (e) { if (indexOf(e) >= 0) e.preventDefault(); });
  }
})();
