// codeatlas explorer: pan and zoom, neighbour highlighting, edge evidence,
// search suggestions and live reload. No inline script: the page's
// Content-Security-Policy forbids it.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // ---- pan and zoom on the main map ----
  function PanZoom(container) {
    var svg = $("svg", container);
    if (!svg) return null;
    var vb = svg.viewBox.baseVal;
    var home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.classList.add("zoomable");
    var state = { x: home.x, y: home.y, w: home.w, h: home.h };
    function apply() { svg.setAttribute("viewBox", state.x + " " + state.y + " " + state.w + " " + state.h); }
    function zoom(factor, cx, cy) {
      var r = svg.getBoundingClientRect();
      var px = cx === undefined ? 0.5 : (cx - r.left) / r.width;
      var py = cy === undefined ? 0.5 : (cy - r.top) / r.height;
      var nw = Math.min(Math.max(state.w * factor, home.w / 40), home.w * 4);
      var nh = nw * state.h / state.w;
      state.x += (state.w - nw) * px;
      state.y += (state.h - nh) * py;
      state.w = nw; state.h = nh;
      apply();
    }
    function reset() { state = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); }
    function centerOn(el) {
      var b = el.getBBox();
      var m = el.getCTM && el.getCTM();
      // Graphviz puts nodes inside a translated group; map the box to the
      // root's user space through the group's transform.
      var g = $("g.graph", svg);
      var t = g && g.transform.baseVal.consolidate();
      var dx = t ? t.matrix.e : 0, dy = t ? t.matrix.f : 0;
      state.w = Math.min(home.w, Math.max(b.width * 6, home.w / 4));
      state.h = state.w * home.h / home.w;
      state.x = b.x + dx + b.width / 2 - state.w / 2;
      state.y = b.y + dy + b.height / 2 - state.h / 2;
      apply();
      return m;
    }
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, e.clientX, e.clientY);
    }, { passive: false });
    var drag = null, moved = false;
    svg.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, sx: state.x, sy: state.y };
      moved = false;
    });
    window.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      var dx = (e.clientX - drag.x) * state.w / r.width, dy = (e.clientY - drag.y) * state.h / r.height;
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) moved = true;
      state.x = drag.sx - dx; state.y = drag.sy - dy; apply();
    });
    window.addEventListener("pointerup", function () { drag = null; });
    // A drag must not end in a click that follows a node's link.
    svg.addEventListener("click", function (e) { if (moved) { e.preventDefault(); moved = false; } }, true);
    // Pinch: two pointers on a touch screen.
    var touches = {};
    svg.addEventListener("touchmove", function (e) {
      if (e.touches.length !== 2) return;
      e.preventDefault();
      var a = e.touches[0], b = e.touches[1];
      var d = Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
      if (touches.d) zoom(touches.d / d, (a.clientX + b.clientX) / 2, (a.clientY + b.clientY) / 2);
      touches.d = d;
    }, { passive: false });
    svg.addEventListener("touchend", function () { touches = {}; });
    return { zoom: zoom, reset: reset, centerOn: centerOn, svg: svg };
  }

  // ---- hover: neighbours and edge evidence ----
  function Highlighter(container, data) {
    var svg = $("svg", container);
    var byNode = {};
    data.edges.forEach(function (e) {
      (byNode[e.from] = byNode[e.from] || []).push(e);
      (byNode[e.to] = byNode[e.to] || []).push(e);
    });
    function el(id) { return document.getElementById(id); }
    function clear() {
      svg.classList.remove("dimmed");
      $all(".hl", svg).forEach(function (x) { x.classList.remove("hl"); });
    }
    function nodeFor(target) {
      var g = target.closest && target.closest("g.node");
      return g && g.id.indexOf("map-") === 0 ? g.id.slice(4) : null;
    }
    function show(id) {
      clear();
      var n = el("map-" + id);
      if (!n) return;
      svg.classList.add("dimmed");
      n.classList.add("hl");
      (byNode[id] || []).forEach(function (e) {
        var ge = el(e.id);
        if (ge) ge.classList.add("hl");
        var other = el("map-" + (e.from === id ? e.to : e.from));
        if (other) other.classList.add("hl");
      });
    }
    var info = $("#edgeinfo");
    var edgesByID = {};
    data.edges.forEach(function (e) { edgesByID[e.id] = e; });
    svg.addEventListener("mouseover", function (ev) {
      var id = nodeFor(ev.target);
      if (id) { show(id); return; }
      var ge = ev.target.closest && ev.target.closest("g.edge");
      if (ge && edgesByID[ge.id] && info) {
        var e = edgesByID[ge.id];
        info.textContent = "";
        var h = document.createElement("strong");
        h.textContent = e.from + " → " + e.to + ": " + e.label;
        info.appendChild(h);
        var ul = document.createElement("ul");
        e.evidence.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
        info.appendChild(ul);
        info.hidden = false;
      }
    });
    svg.addEventListener("mouseleave", function () { clear(); });
    svg.addEventListener("focusin", function (ev) { var id = nodeFor(ev.target); if (id) show(id); });
    return { show: show, clear: clear };
  }

  // ---- search suggestions ----
  // source finds suggestions: the server's /search, or on a static copy of
  // the site the index it ships (titles, Chinese titles and aliases).
  function searchSource() {
    var url = document.body.getAttribute("data-search-index");
    if (!url) {
      return function (q) {
        return fetch("/search?suggest=1&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (d) { return d.hits || []; });
      };
    }
    var index = null;
    return function (q) {
      if (!index) index = fetch(url).then(function (r) { return r.json(); });
      var words = q.toLowerCase().split(/\s+/).filter(Boolean);
      return index.then(function (entries) {
        var scored = [];
        entries.forEach(function (e) {
          var score = 0;
          for (var i = 0; i < words.length; i++) {
            var best = 0;
            e.terms.forEach(function (t) {
              if (t === words[i]) best = Math.max(best, 3);
              else if (t.indexOf(words[i]) === 0) best = Math.max(best, 2);
              else if (t.indexOf(words[i]) > 0) best = Math.max(best, 1);
            });
            if (!best) return;
            score += best;
          }
          scored.push({ e: e, score: score });
        });
        scored.sort(function (a, b) { return b.score - a.score || (a.e.label < b.e.label ? -1 : 1); });
        return scored.slice(0, 10).map(function (s) { return s.e; });
      });
    };
  }

  function Suggest(input, list, onPick) {
    var timer = null, items = [], active = -1, source = searchSource();
    function render() {
      list.textContent = "";
      items.forEach(function (h, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = "sugg-" + i;
        li.className = "kind-" + h.kind + (i === active ? " active" : "");
        li.textContent = h.label + (h.label_zh ? " · " + h.label_zh : "") + "  (" + h.kind + ")";
        li.addEventListener("mousedown", function (e) { e.preventDefault(); onPick(h); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      if (active >= 0) input.setAttribute("aria-activedescendant", "sugg-" + active); else input.removeAttribute("aria-activedescendant");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      list.removeAttribute("data-query");
      if (!q) { items = []; render(); return; }
      timer = setTimeout(function () {
        source(q).then(function (hits) {
          // Answers can arrive out of order: show only the current query's,
          // and say which query the list answers.
          if (input.value.trim() !== q) return;
          items = hits; active = -1; render();
          list.setAttribute("data-query", q);
        }).catch(function () {});
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, -1); render(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); onPick(items[active]); }
      else if (e.key === "Enter" && document.body.hasAttribute("data-static")) {
        // No server to search: Enter opens the best suggestion.
        e.preventDefault();
        if (items.length) onPick(items[0]);
      }
      else if (e.key === "Escape") { items = []; render(); }
    });
    input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  }

  // ---- labels that fit their nodes ----
  // Graphviz sizes each node from Helvetica's metrics; a browser without
  // Helvetica or Arial (most Linux desktops) draws wider glyphs and the
  // label spills out of its box. Squeeze only the labels that overflow.
  function fitLabels() {
    $all("svg g.node").forEach(function (g) {
      var shape = $("polygon, ellipse, path", g);
      if (!shape || !shape.getBBox) return;
      var avail = shape.getBBox().width - 8;
      $all("text", g).forEach(function (t) {
        if (avail > 0 && t.getComputedTextLength() > avail) {
          t.setAttribute("textLength", avail.toFixed(1));
          t.setAttribute("lengthAdjust", "spacingAndGlyphs");
        }
      });
    });
  }

  function init() {
    fitLabels();
    var mapEl = $("#map[data-view]");
    var pz = null, hl = null;
    // Every node link is a Tab stop, in document (sorted id) order; Enter
    // follows it as any link.
    $all("svg g.node a, svg g.cluster a").forEach(function (a) {
      if (!a.hasAttribute("tabindex")) a.setAttribute("tabindex", "0");
      var t = a.getAttribute("xlink:title");
      if (t && !a.getAttribute("aria-label")) a.setAttribute("aria-label", t);
    });
    if (mapEl) {
      pz = PanZoom(mapEl);
      try { hl = Highlighter(mapEl, JSON.parse(mapEl.getAttribute("data-view"))); } catch (e) { hl = null; }
    }
    var input = $("#q"), list = $("#suggest");
    if (input && list) {
      Suggest(input, list, function (h) {
        var node = document.getElementById("map-" + h.id);
        if (node && pz) {
          pz.centerOn(node);
          if (hl) hl.show(h.id);
          var a = $("a", node);
          if (a) a.focus();
          list.hidden = true;
          return;
        }
        // Not on this map: on a map page, the map around it; elsewhere its page.
        window.location.href = pz && !document.body.hasAttribute("data-static") ? "/map?view=ego&focus=" + encodeURIComponent(h.id) : h.url;
      });
    }
    document.addEventListener("keydown", function (e) {
      var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement && document.activeElement.tagName);
      if (e.key === "/" && !typing) { e.preventDefault(); if (input) input.focus(); return; }
      if (typing) return;
      if (!pz) return;
      if (e.key === "+" || e.key === "=") pz.zoom(1 / 1.25);
      else if (e.key === "-") pz.zoom(1.25);
      else if (e.key === "0") pz.reset();
      else if (e.key === "Escape") { pz.reset(); if (hl) hl.clear(); }
    });
    if (document.body.hasAttribute("data-live")) LiveReload(document.body.getAttribute("data-version"));
  }

  // ---- live reload (serve --watch) ----
  // The server says when the notes changed. Only a visible page listens:
  // a hidden tab or one kept in the back/forward cache closes its stream,
  // and on its return learns the current version from the first event.
  function LiveReload(version) {
    var es = null;
    function changed(e) { if (e.data !== version) window.location.reload(); }
    function open() {
      if (es || !window.EventSource) return;
      es = new EventSource("/events");
      es.addEventListener("hello", changed);
      es.addEventListener("reload", changed);
      es.addEventListener("problem", function () { window.location.reload(); });
    }
    function close() { if (es) { es.close(); es = null; } }
    document.addEventListener("visibilitychange", function () { if (document.hidden) close(); else open(); });
    window.addEventListener("pagehide", close);
    window.addEventListener("pageshow", function () { if (!document.hidden) open(); });
    if (!document.hidden) open();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
