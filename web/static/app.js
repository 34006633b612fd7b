// codeatlas explorer: pan and zoom, neighbour highlighting, edge evidence,
// search suggestions and live reload. No inline script: the page's
// Content-Security-Policy forbids it.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // ---- pan and zoom ----
  // PanZoom moves the SVG's viewBox. It never zooms out past the whole map
  // (home): a smaller drawing only shrinks the shapes while the labels,
  // which keep their size on screen, run out of room.
  function PanZoom(svg, onChange) {
    var vb = svg.viewBox.baseVal;
    if (!vb || !vb.width) return null;
    var full = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.classList.add("zoomable");
    // home is the whole map, unless the box is far narrower than the map
    // (a wide map on a phone): then the map fills the box's height, its
    // middle in view and the rest a drag away, rather than a thin strip
    // whose labels have no room.
    var home = full;
    var r0 = svg.getBoundingClientRect();
    if (r0.width > 0 && r0.height > 0) {
      var boxAspect = r0.width / r0.height, mapAspect = full.w / full.h;
      // A few nodes fit whole: their labels have room in any strip.
      if (mapAspect > 2 * boxAspect && $all("g.node", svg).length > 12) {
        // The box's width shows this much of the map; the box is made
        // as tall as the map then is, so nothing but map is in it (a
        // taller box began with empty space above the map).
        var w = full.h * boxAspect * 1.6;
        svg.style.height = Math.max(240, Math.round(r0.width * full.h / w)) + "px";
        svg.style.minHeight = "0";
        var r1 = svg.getBoundingClientRect();
        home = { x: full.x + (full.w - w) / 2, y: full.y, w: w, h: w * r1.height / r1.width };
        home.y = full.y + (full.h - home.h) / 2;
      }
    }
    // A small map (a path of one or two hops) is not blown up to fill its
    // box: at most twice its natural size (1 pt = 4/3 px), centred, so its
    // edge labels stay the size of text.
    if (home === full && r0.width > 0 && r0.height > 0) {
      var most = 2, fit = Math.min(r0.width / full.w, r0.height / full.h);
      if (fit > most) {
        var hw = r0.width / most, hh = r0.height / most;
        home = { x: full.x - (hw - full.w) / 2, y: full.y - (hh - full.h) / 2, w: hw, h: hh };
      }
    }
    var state = { x: home.x, y: home.y, w: home.w, h: home.h };
    function apply() {
      svg.setAttribute("viewBox", state.x + " " + state.y + " " + state.w + " " + state.h);
      if (onChange) onChange();
    }
    function zoom(factor, cx, cy) {
      var r = svg.getBoundingClientRect();
      var px = cx === undefined ? 0.5 : (cx - r.left) / r.width;
      var py = cy === undefined ? 0.5 : (cy - r.top) / r.height;
      // Never smaller than home: the whole map, or on a phone a wide
      // map's full height (the whole of it there would leave a handful of
      // labels; the rest is a drag away).
      var nw = Math.min(Math.max(state.w * factor, full.w / 40), home.w);
      var nh = nw * state.h / state.w;
      state.x += (state.w - nw) * px;
      state.y += (state.h - nh) * py;
      state.w = nw; state.h = nh;
      if (nw >= home.w) { state.x = home.x; state.y = home.y; }
      apply();
    }
    function reset() { state = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); }
    if (home !== full) apply();
    function centerOn(el) {
      var b = el.getBBox();
      // Graphviz puts nodes inside a translated group; map the box to the
      // root's user space through the group's transform.
      var t = graphOffset(svg);
      state.w = Math.min(home.w, Math.max(b.width * 6, home.w / 4));
      state.h = state.w * home.h / home.w;
      state.x = b.x + t.x + b.width / 2 - state.w / 2;
      state.y = b.y + t.y + b.height / 2 - state.h / 2;
      apply();
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
      var s = Math.max(state.w / r.width, state.h / r.height);
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) moved = true;
      if (!moved) return;
      state.x = drag.sx - (e.clientX - drag.x) * s; state.y = drag.sy - (e.clientY - drag.y) * s; apply();
    });
    window.addEventListener("pointerup", function () { drag = null; });
    // A drag must not end in a click that follows a node's link.
    svg.addEventListener("click", function (e) { if (moved) { e.preventDefault(); e.stopPropagation(); moved = false; } }, true);
    // Pinch: two fingers on a touch screen.
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

  // graphOffset is the translation Graphviz gives its top group: node
  // coordinates plus it are the root's user space.
  function graphOffset(svg) {
    var g = $("g.graph", svg);
    var t = g && g.transform.baseVal.consolidate();
    return t ? { x: t.matrix.e, y: t.matrix.f } : { x: 0, y: 0 };
  }

  // ---- labels that belong to the screen ----
  // placeLabels decides which labels to show: each candidate is a screen
  // box {x1, y1, x2, y2} with its prio (lower first; below 0 the view's
  // focus, always first), forced (its place among the labels the reader
  // points at, which come next), want (false: never shown) and alts (other
  // boxes it may take, e.g. above or below its node). Greedily, in that
  // order, a label takes the first of its boxes that overlaps none already
  // shown, or stays hidden. It returns one boolean per candidate, in their
  // order, and sets each candidate's at: the box taken (0 its own, k its
  // alts[k-1]; -1 none).
  function placeLabels(cands) {
    var order = cands.map(function (c, i) { return i; });
    function rank(c) { return c.prio < 0 ? 0 : c.forced !== undefined ? 1 : 2; }
    order.sort(function (a, b) {
      var ca = cands[a], cb = cands[b];
      var fa = ca.forced !== undefined ? ca.forced : 0, fb = cb.forced !== undefined ? cb.forced : 0;
      return rank(ca) - rank(cb) || fa - fb || ca.prio - cb.prio || a - b;
    });
    var placed = [], shown = cands.map(function () { return false; });
    function free(a) {
      for (var j = 0; j < placed.length; j++) {
        var b = placed[j];
        if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) return false;
      }
      return true;
    }
    order.forEach(function (i) {
      var a = cands[i];
      a.at = -1;
      if (!a.want) return;
      // Its own place first, then the other places it offers (alts:
      // above and below its node), in order.
      var boxes = [a].concat(a.alts || []);
      for (var k = 0; k < boxes.length; k++) {
        if (!free(boxes[k])) continue;
        placed.push(boxes[k]);
        shown[i] = true;
        a.at = k;
        return;
      }
    });
    return shown;
  }
  // The browser test checks the placement rules on their own.
  window.codeatlasPlaceLabels = placeLabels;

  // Graphviz draws labels into the picture, so scaling a map to its box
  // shrinks them with it: 3 px on the overview. Labels keeps every label at
  // a readable size on screen whatever the zoom (at least min px; the shapes
  // keep scaling) and hides, by priority, those that would collide: the
  // focus first, then what the reader points at and its neighbours, then
  // projects and clusters, then the most connected nodes. The server states
  // the priority as a prio-N class on each node; diagrams written by hand
  // have none and rank by degree.
  function Labels(svg, opts) {
    opts = opts || {};
    var min = opts.min || 12, max = opts.max || Infinity, pad = 2, markPx = 9, lastMark = "";
    var items = [], forced = {}, queued = false, pointing = false;
    var off = graphOffset(svg);
    var degree = {};
    $all("g.edge > title", svg).forEach(function (t) {
      var ends = t.textContent.split(/->|--/);
      ends.forEach(function (e) { degree[e] = (degree[e] || 0) + 1; });
    });
    function fontSize(t) {
      var fs = parseFloat(t.getAttribute("font-size"));
      return fs > 0 ? fs : 14;
    }
    function box(texts) {
      var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
      texts.forEach(function (t) {
        var b = t.getBBox();
        x1 = Math.min(x1, b.x); y1 = Math.min(y1, b.y);
        x2 = Math.max(x2, b.x + b.width); y2 = Math.max(y2, b.y + b.height);
      });
      return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
    }
    function add(g, texts, kind, prio, shape) {
      texts = texts.filter(function (t) { return t.textContent.trim() !== ""; });
      if (!texts.length) return;
      var b = box(texts);
      if (!(b.w > 0)) return;
      var c = shape ? { x: shape.x + shape.width / 2, y: shape.y + shape.height / 2 } : { x: b.x + b.w / 2, y: b.y + b.h / 2 };
      items.push({ g: g, texts: texts, kind: kind, prio: prio, id: g.id, cx: c.x, cy: c.y,
        b: b, fs: fontSize(texts[0]), shape: shape });
    }
    var order = 0;
    $all("g.node", svg).forEach(function (g) {
      var m = /(?:^|\s)prio-(\d+)/.exec(g.getAttribute("class") || "");
      var title = $("title", g);
      var name = title ? title.textContent : "";
      var prio = m ? +m[1] : 1000 - (degree[name] || 0) + (order++) / 10000;
      if (!m && g.classList.contains("focus")) prio = -1;
      var shape = $("polygon, ellipse, path, rect", g), sb = shape && shape.getBBox();
      add(g, $all("text", g), "node", prio, sb);
      if (sb && sb.width > 0 && sb.height > 0 && items.length && items[items.length - 1].g === g) {
        // The node's size, for drawing it as a mark (app.css).
        items[items.length - 1].mark = true;
        g.style.setProperty("--w", sb.width.toFixed(1));
        g.style.setProperty("--h", sb.height.toFixed(1));
      }
    });
    // Cluster titles rank with the projects (they are projects or sections).
    $all("g.cluster", svg).forEach(function (g) {
      add(g, $all(":scope > text, :scope > g > a > text", g), "cluster", 0.5);
    });
    $all("g.edge", svg).forEach(function (g) { add(g, $all("text", g), "edge", 1e6); });
    // The map's title is the page's heading already.
    $all(":scope > g.graph > text, :scope > g.graph > g > a > text", svg).forEach(function (t) { t.classList.add("lbl-title"); });

    function scale() {
      var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
      var s = Math.min(r.width / vb.width, r.height / vb.height);
      return { s: s, x: vb.x, y: vb.y, ox: (r.width - vb.width * s) / 2, oy: (r.height - vb.height * s) / 2 };
    }
    // layout places the labels for the current zoom.
    function layout() {
      queued = false;
      var t0 = window.performance ? performance.now() : 0;
      try { place(); } finally {
        // How long a pass took, for measuring (bench/labels.js reads it).
        if (t0) svg.setAttribute("data-label-ms", (performance.now() - t0).toFixed(2));
      }
    }
    function place() {
      var v = scale();
      if (!(v.s > 0)) return;
      var vb = svg.viewBox.baseVal, svgW = vb.width, svgH = vb.height;
      var cands = items.map(function (it) {
        var nat = it.fs * v.s, k = 1;
        if (it.kind !== "edge") k = nat < min ? min / nat : nat > max ? max / nat : 1;
        var sx = (it.cx + off.x - v.x) * v.s + v.ox, sy = (it.cy + off.y - v.y) * v.s + v.oy;
        var hw = it.b.w * k * v.s / 2 + pad, hh = it.b.h * k * v.s / 2 + pad;
        var dx = (it.b.x + it.b.w / 2 - it.cx) * k * v.s, dy = (it.b.y + it.b.h / 2 - it.cy) * k * v.s;
        // A label near the edge of the map is moved inside it.
        var x1 = sx + dx - hw, x2 = sx + dx + hw, y1 = sy + dy - hh, y2 = sy + dy + hh;
        var W = v.ox * 2 + svgW * v.s, H = v.oy * 2 + svgH * v.s;
        // (Only when the node itself is in view: a node panned out of
        // view keeps its label where it is, out of view too.)
        var inView = sx >= 0 && sx <= W && sy >= 0 && sy <= H;
        var mx = !inView ? 0 : x1 < 0 ? -x1 : x2 > W ? W - x2 : 0, my = !inView ? 0 : y1 < 0 ? -y1 : y2 > H ? H - y2 : 0;
        it.k = k; it.mx = mx / v.s; it.my = my / v.s;
        dx += mx; dy += my;
        var c = { x1: sx + dx - hw, x2: sx + dx + hw, y1: sy + dy - hh, y2: sy + dy + hh };
        var alts = [];
        if (it.shape) {
          // The node's own shape counts too: a label is never drawn
          // under another node.
          var sh = it.shape;
          var s1 = (sh.x + off.x - v.x) * v.s + v.ox, s2 = (sh.x + sh.width + off.x - v.x) * v.s + v.ox;
          var t1 = (sh.y + off.y - v.y) * v.s + v.oy, t2 = (sh.y + sh.height + off.y - v.y) * v.s + v.oy;
          var withShape = function (b) {
            return { x1: Math.min(b.x1, s1), x2: Math.max(b.x2, s2), y1: Math.min(b.y1, t1), y2: Math.max(b.y2, t2), dy: b.dy };
          };
          // Where its own place is taken, a node's label may sit just
          // above or below the node.
          if (it.kind === "node") {
            alts.push(withShape({ x1: c.x1, x2: c.x2, y1: t1 - 2 * hh, y2: t1, dy: t1 - hh - (c.y1 + c.y2) / 2 }));
            alts.push(withShape({ x1: c.x1, x2: c.x2, y1: t2, y2: t2 + 2 * hh, dy: t2 + hh - (c.y1 + c.y2) / 2 }));
          }
          c = withShape(c);
        }
        return { x1: c.x1, x2: c.x2, y1: c.y1, y2: c.y2, alts: alts,
          prio: it.prio, forced: forced[it.id], want: it.kind !== "edge" || nat >= min - 1 };
      });
      var shown = placeLabels(cands);
      // A mark is markPx on screen whatever the zoom: one property for all.
      var mk = (markPx / v.s).toFixed(2);
      if (mk !== lastMark) { lastMark = mk; svg.style.setProperty("--mk", mk); }
      cands.forEach(function (c, i) { if (c.at > 0) items[i].my += c.alts[c.at - 1].dy / v.s; });
      // Nodes whose labels show are drawn last, over the others' shapes;
      // not while the reader points at or focuses one (moving an element
      // would drop its focus and hover).
      if (!pointing) items.forEach(function (it, i) {
        if (it.kind === "node" && shown[i] && it.g.parentNode && it.g.nextElementSibling && !it.g.contains(document.activeElement)) {
          it.g.parentNode.appendChild(it.g);
        }
      });
      items.forEach(function (it, i) {
        var show = shown[i], k = it.k;
        it.g.classList.toggle("lbl-off", !show);
        it.g.classList.toggle("lbl-big", k > 1.05);
        var tf = k === 1 && !it.mx && !it.my ? null : "translate(" + (it.cx + it.mx).toFixed(2) + " " + (it.cy + it.my).toFixed(2) + ") scale(" + k.toFixed(3) + ") translate(" + (-it.cx) + " " + (-it.cy) + ")";
        if (tf !== it.tf) {
          it.tf = tf;
          it.texts.forEach(function (t) { if (tf) t.setAttribute("transform", tf); else t.removeAttribute("transform"); });
        }
        // A node whose label is hidden is drawn as a small mark, not as an
        // empty box: an unnamed box reads as a missing name.
        if (it.mark) it.g.classList.toggle("lbl-mark", !show);
      });
    }
    function update() {
      if (queued) return;
      queued = true;
      window.requestAnimationFrame(layout);
    }
    window.addEventListener("resize", update);
    layout();
    return {
      update: update, layout: layout,
      // force shows these node ids' labels before any other (after the focus).
      force: function (ids) {
        forced = {};
        (ids || []).forEach(function (id, i) { forced[id] = i; });
        pointing = true;
        layout();
        pointing = false;
      },
      items: items
    };
  }

  // ---- hover: neighbours and edge evidence ----
  function Highlighter(svg, data, labels) {
    var byNode = {};
    data.edges.forEach(function (e) {
      (byNode[e.from] = byNode[e.from] || []).push(e);
      (byNode[e.to] = byNode[e.to] || []).push(e);
    });
    function el(id) { return document.getElementById(id); }
    var current = null;
    function clear() {
      current = null;
      svg.classList.remove("dimmed");
      $all(".hl", svg).forEach(function (x) { x.classList.remove("hl"); });
      if (labels) labels.force([]);
    }
    function nodeFor(target) {
      var g = target.closest && target.closest("g.node");
      return g && g.id.indexOf("map-") === 0 ? g.id.slice(4) : null;
    }
    function show(id) {
      if (id === current) return;
      clear();
      var n = el("map-" + id);
      if (!n) return;
      current = id;
      svg.classList.add("dimmed");
      n.classList.add("hl");
      var shown = [n.id];
      (byNode[id] || []).forEach(function (e) {
        var ge = el(e.id);
        if (ge) ge.classList.add("hl");
        var other = el("map-" + (e.from === id ? e.to : e.from));
        if (other) { other.classList.add("hl"); shown.push(other.id); }
      });
      // Its label and its neighbours' go before any other.
      if (labels) labels.force(shown);
    }
    var info = $("#edgeinfo");
    var edgesByID = {};
    data.edges.forEach(function (e) { edgesByID[e.id] = e; });
    // The evidence of an edge shows beside the pointer, where the reader
    // is looking, and goes when the pointer leaves the edge.
    function place(ev) {
      var w = info.offsetWidth, h = info.offsetHeight;
      var x = ev.clientX + 14, y = ev.clientY + 14;
      if (x + w > window.innerWidth - 8) x = Math.max(8, ev.clientX - w - 14);
      if (y + h > window.innerHeight - 8) y = Math.max(8, ev.clientY - h - 14);
      info.style.left = x + "px";
      info.style.top = y + "px";
    }
    svg.addEventListener("mouseout", function (ev) {
      var ge = ev.target.closest && ev.target.closest("g.edge");
      if (ge && info && !(ev.relatedTarget && ge.contains(ev.relatedTarget))) info.hidden = true;
    });
    svg.addEventListener("mousemove", function (ev) { if (info && !info.hidden) place(ev); });
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
        place(ev);
      }
    });
    svg.addEventListener("mouseleave", function () { clear(); });
    // On a touch screen there is no hover: the first tap on a node shows
    // its name and neighbours, a second tap on it opens its page.
    // A tap sends mouseover (and focus) before its click, which shows
    // the node already: the node a tap opens is the one the previous tap
    // showed, not the one shown.
    var touch = false, tapped = null;
    svg.addEventListener("pointerdown", function (ev) { touch = ev.pointerType === "touch"; });
    svg.addEventListener("click", function (ev) {
      var id = nodeFor(ev.target);
      if (!touch || !id) { tapped = null; return; }
      if (id === tapped) return;
      ev.preventDefault();
      tapped = id;
      show(id);
    });
    svg.addEventListener("focusin", function (ev) { var id = nodeFor(ev.target); if (id) show(id); });
    return { show: show, clear: clear };
  }

  // twinData reads a map's edges from its text version beside it (the
  // page's details.twin, written by the server): each edge's ends,
  // relation and evidence, for hover and the edge info.
  function twinData() {
    return { edges: $all("details.twin li[data-from]").map(function (li) {
      var from = li.getAttribute("data-from"), to = li.getAttribute("data-to"), rel = $(".rel", li);
      return { id: "map-e-" + from + "->" + to, from: from, to: to, label: rel ? rel.textContent : "",
        evidence: $all("li", li).map(function (e) { return e.textContent; }) };
    }) };
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

  // Suggest offers pages as the reader types; picking one opens it. When
  // the page has a map with that node on it, onShow (a second action, the
  // button beside the suggestion) shows it there instead.
  function Suggest(input, list, onPick, onShow) {
    var timer = null, items = [], active = -1, source = searchSource();
    function render() {
      list.textContent = "";
      items.forEach(function (h, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = input.id + "-sugg-" + i;
        li.className = "kind-" + h.kind + (i === active ? " active" : "");
        var name = document.createElement("span");
        name.className = "name";
        name.textContent = h.label + (h.project ? " — " + h.project : "");
        li.appendChild(name);
        if (h.label_zh && h.label_zh !== h.label) {
          var zh = document.createElement("span");
          zh.className = "zh";
          zh.textContent = h.label_zh;
          li.appendChild(zh);
        }
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = h.kind_label || h.kind;
        li.appendChild(kind);
        if (onShow && onShow.has(h.id)) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "on-map";
          b.textContent = list.getAttribute("data-show-label") || "on the map";
          b.addEventListener("mousedown", function (e) { e.preventDefault(); e.stopPropagation(); list.hidden = true; onShow.show(h); });
          li.appendChild(b);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); onPick(h); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      if (active >= 0) input.setAttribute("aria-activedescendant", input.id + "-sugg-" + active); else input.removeAttribute("aria-activedescendant");
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

  // naturalSize draws a diagram one pixel per point, enlarged where its
  // smallest text would be under 13 px, and no wider than maxWidth.
  function naturalSize(svg, maxWidth) {
    var vb = svg.viewBox.baseVal;
    if (!vb || !vb.width) return;
    var fs = Infinity;
    $all("text", svg).forEach(function (t) { var f = parseFloat(t.getAttribute("font-size")); if (f > 0) fs = Math.min(fs, f); });
    var k = fs < 13 ? 13 / fs : 1;
    if (maxWidth && vb.width * k > maxWidth) k = maxWidth / vb.width;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.style.width = (vb.width * k).toFixed(0) + "px";
    svg.style.height = (vb.height * k).toFixed(0) + "px";
  }

  // Diagram opens a diagram full screen, with pan, zoom and labels as on a
  // map; onOpen hands the page's keys to it.
  function Diagram(svg, onOpen) {
    var fig = svg.closest("figure");
    if (!fig || !window.HTMLDialogElement) return;
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "fullscreen";
    // The words come from the page, in its language (base.html).
    var body = document.body;
    btn.textContent = body.getAttribute("data-t-fullscreen") || "Full screen";
    btn.setAttribute("aria-label", body.getAttribute("data-t-fullscreen-aria") || btn.textContent);
    fig.insertBefore(btn, fig.firstChild);
    function open() {
      var dlg = document.createElement("dialog");
      dlg.className = "diagram-full";
      var close = document.createElement("button");
      close.type = "button";
      close.className = "close";
      close.textContent = body.getAttribute("data-t-close") || "Close";
      var box = document.createElement("div");
      box.className = "map";
      var copy = svg.cloneNode(true);
      copy.removeAttribute("style");
      // Ids stay unique on the page: the copy's are renamed.
      $all("[id]", copy).forEach(function (e) { e.id = "full-" + e.id; });
      box.appendChild(copy);
      dlg.appendChild(close);
      dlg.appendChild(box);
      document.body.appendChild(dlg);
      dlg.showModal();
      var labels = null;
      var p = PanZoom(copy, function () { if (labels) labels.update(); });
      labels = Labels(copy, { max: 24 });
      onOpen(p);
      function done() { dlg.close(); }
      close.addEventListener("click", done);
      dlg.addEventListener("close", function () { onOpen(null); dlg.remove(); btn.focus(); });
    }
    btn.addEventListener("click", open);
    svg.addEventListener("click", function (e) { if (!e.target.closest("a")) open(); });
  }

  // ViewPanel shows the fields the chosen view needs (a focus, or the two
  // ends of a path) and suggests nodes as one types in them; picking one
  // fills in its id.
  function ViewPanel(form) {
    var view = $("select[name=view]", form);
    function sync() { form.setAttribute("data-view", view.value); }
    view.addEventListener("change", sync);
    sync();
    $all("input[data-suggest]", form).forEach(function (input, i) {
      if (!input.id) input.id = "field-" + i;
      var list = document.createElement("ul");
      list.className = "suggest";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      input.setAttribute("autocomplete", "off");
      input.setAttribute("aria-controls", list.id = input.id + "-list");
      input.parentNode.appendChild(list);
      Suggest(input, list, function (h) { input.value = h.id; list.hidden = true; });
    });
  }

  // ---- touch targets ----
  // touchTargets gives every node of a map a hit area at least 24 css px
  // across on a touch screen (WCAG 2.5.8): a transparent copy of its shape
  // with a 24 px stroke that keeps its width on screen at any zoom, behind
  // the shape and inside its link. A node of the overview is 24x7 px on a
  // phone; a finger could not pick it. Pointers that hover keep the drawn
  // shapes, so the edges between close nodes stay easy to point at.
  function touchTargets(svg) {
    if (!window.matchMedia || !window.matchMedia("(hover: none), (pointer: coarse)").matches) return;
    $all("g.node", svg).forEach(function (g) {
      var shape = $("a polygon, a ellipse, a path", g);
      if (!shape || shape.classList.contains("hit")) return;
      var hit = shape.cloneNode(false);
      hit.removeAttribute("id");
      hit.setAttribute("class", "hit");
      // Through the CSSOM: the page's CSP refuses style attributes.
      var st = hit.style;
      st.fill = "transparent"; st.stroke = "transparent"; st.strokeWidth = "24px";
      st.setProperty("vector-effect", "non-scaling-stroke"); st.pointerEvents = "all";
      hit.setAttribute("aria-hidden", "true");
      shape.parentNode.insertBefore(hit, shape);
    });
  }

  // offerLanguage shows the link to the page in the reader's language
  // when the browser prefers it; it never switches by itself.
  function offerLanguage() {
    var page = document.body.getAttribute("data-lang") || "en";
    var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) { return String(l).toLowerCase().split("-")[0]; });
    $all(".lang-offer[data-lang]").forEach(function (p) {
      var lang = p.getAttribute("data-lang");
      var i = wanted.indexOf(lang), j = wanted.indexOf(page);
      if (i >= 0 && (j < 0 || i < j)) p.hidden = false;
    });
  }

  function init() {
    offerLanguage();
    $all("form.controls").forEach(ViewPanel);
    fitLabels();
    var mapEl = $("#map");
    var pz = null, hl = null, full = null;
    // Every node link is a Tab stop, in document (sorted id) order; Enter
    // follows it as any link.
    $all("svg g.node a, svg g.cluster a").forEach(function (a) {
      if (!a.hasAttribute("tabindex")) a.setAttribute("tabindex", "0");
      var t = a.getAttribute("xlink:title");
      if (t && !a.getAttribute("aria-label")) a.setAttribute("aria-label", t);
    });
    var mapSvg = mapEl && $("svg", mapEl), labels = null;
    if (mapSvg) {
      pz = PanZoom(mapSvg, function () { if (labels) labels.update(); });
      labels = Labels(mapSvg, { max: 18 });
      touchTargets(mapSvg);
      hl = Highlighter(mapSvg, twinData(), labels);
    }
    // Diagrams are drawn at their natural size (scrolling sideways when
    // wider than the column) and open full screen on click; thumbnails fit
    // their column. Their labels follow the same rules.
    $all("figure.dot svg").forEach(function (svg) { naturalSize(svg); Labels(svg); Diagram(svg, function (p) { full = p; }); });
    $all(".localmap svg").forEach(function (svg) { naturalSize(svg, svg.parentNode.clientWidth); Labels(svg); });
    var input = $("#q"), list = $("#suggest");
    if (input && list) {
      // Picking a suggestion opens its page, wherever one is; a node that
      // is on this page's map can be shown there instead.
      Suggest(input, list, function (h) { window.location.href = h.url; }, pz && {
        has: function (id) { return !!document.getElementById("map-" + id); },
        show: function (h) {
          var node = document.getElementById("map-" + h.id);
          pz.centerOn(node);
          if (hl) hl.show(h.id);
          var a = $("a", node);
          if (a) a.focus();
        }
      });
    }
    document.addEventListener("keydown", function (e) {
      var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement && document.activeElement.tagName);
      if (e.key === "/" && !typing) { e.preventDefault(); if (input) input.focus(); return; }
      if (typing) return;
      // The keys act on the page's main map (or the diagram open full
      // screen) wherever the pointer is.
      var z = full || pz;
      if (!z) return;
      if (e.key === "+" || e.key === "=") z.zoom(1 / 1.25);
      else if (e.key === "-") z.zoom(1.25);
      else if (e.key === "0") z.reset();
      else if (e.key === "Escape" && !full) { z.reset(); if (hl) hl.clear(); }
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
