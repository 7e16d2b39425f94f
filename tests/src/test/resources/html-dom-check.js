// Injected by HtmlSinkIT into a copy of a page written by the html sink: reads what the browser laid
// out and leaves it, as JSON, in a pre element with id dom-check for --dump-dom. It checks nothing itself.
(function () {
  function box(el) {
    var r = el.getBoundingClientRect();
    return {x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height};
  }
  function ownText(el) {
    // The label without its <title> tooltip child.
    var s = '';
    el.childNodes.forEach(function (n) { if (n.nodeType === 3) { s += n.textContent; } });
    return s;
  }
  var out = {lanes: [], stations: [], packets: [], labels: 0, overlaps: [], clipped: [], viewport: {w: window.innerWidth}};
  document.querySelectorAll('svg.stations g.lane').forEach(function (g) {
    out.lanes.push({netns: g.dataset.netns, name: g.dataset.name, title: ownText(g.querySelector('.lane-title')),
      box: box(g.querySelector('rect'))});
  });
  document.querySelectorAll('svg.stations g.station').forEach(function (g) {
    out.stations.push({column: +g.dataset.column, ifname: g.dataset.ifname, hook: g.dataset.hook,
      label: Array.prototype.map.call(g.querySelectorAll('text'), ownText).join(' '), box: box(g)});
  });
  document.querySelectorAll('svg.paths g.packet').forEach(function (g) {
    var p = {number: +g.dataset.number, replyTo: +g.dataset.replyTo, role: g.getAttribute('class').split(' ')[1],
      title: ownText(g.querySelector('.ptitle')), detail: ownText(g.querySelector('.pdetail')),
      outcome: g.querySelector('.outcome') ? ownText(g.querySelector('.outcome')) : '', paired: !!g.querySelector('.pair'),
      box: box(g), hops: [], latencies: [], arrows: 0};
    g.querySelectorAll('g.hop').forEach(function (h) {
      var dot = h.querySelector('.dot');
      var b = box(dot);
      p.hops.push({column: +h.dataset.column, row: +h.dataset.row, netns: h.dataset.netns, ifname: h.dataset.ifname,
        hook: h.dataset.hook, mark: h.getAttribute('class').replace(/^hop ?/, ''), cx: b.x + b.w / 2, cy: b.y + b.h / 2,
        notes: Array.prototype.map.call(h.querySelectorAll('.note'), ownText)});
    });
    g.querySelectorAll('.latency').forEach(function (t) { p.latencies.push(ownText(t)); });
    g.querySelectorAll('path.seg').forEach(function (s) {
      if (s.getAttribute('marker-end') && s.getTotalLength() > 10) { p.arrows++; }
    });
    out.packets.push(p);
  });
  // Every visible label of both drawings: none may overlap another or stick out of its drawing.
  var labels = [];
  document.querySelectorAll('svg.stations text, svg.paths text').forEach(function (t) {
    var b = box(t);
    if (b.w > 0) { labels.push({text: ownText(t), b: b, svg: box(t.ownerSVGElement)}); }
  });
  out.labels = labels.length;
  labels.forEach(function (l) {
    if (l.b.x < l.svg.x - 0.5 || l.b.x + l.b.w > l.svg.x + l.svg.w + 0.5 || l.b.y < l.svg.y - 0.5 || l.b.y + l.b.h > l.svg.y + l.svg.h + 0.5) {
      out.clipped.push(l.text);
    }
  });
  // Sorted by x, so each label is compared only with those that start before it ends.
  labels.sort(function (a, b) { return a.b.x - b.b.x; });
  for (var i = 0; i < labels.length; i++) {
    for (var j = i + 1; j < labels.length && labels[j].b.x < labels[i].b.x + labels[i].b.w - 0.5; j++) {
      var a = labels[i].b, c = labels[j].b;
      if (a.y < c.y + c.h - 0.5 && c.y < a.y + a.h - 0.5) {
        out.overlaps.push(labels[i].text + ' / ' + labels[j].text);
      }
    }
  }
  var pre = document.createElement('pre');
  pre.id = 'dom-check';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
