/* A plant's supply network as an ECharts graph: one column per tier (the plant on the right), red = not
   resumed, green = resumed; within a tier suppliers are grouped by coordination level (district, city,
   province, other province), and the tooltip names the region. The tables below are the phone view. */
(function () {
  "use strict";
  var COLOURS = ["#1f4e79", "#c0392b", "#2e8b57"];
  function start() {
    var el = document.getElementById("chain-graph");
    if (!el || !window.echarts) { return; }
    var data = JSON.parse(document.getElementById("graph-data").textContent);
    var labels = JSON.parse(document.getElementById("graph-labels").textContent);
    var maxTier = 0, tiers = {};
    data.nodes.forEach(function (n) {
      maxTier = Math.max(maxTier, n.tier);
      (tiers[n.tier] = tiers[n.tier] || []).push(n);
    });
    var nodes = [];
    Object.keys(tiers).forEach(function (t) {
      var list = tiers[t].sort(function (a, b) { return a.order - b.order || (b.blocked - a.blocked); });
      list.forEach(function (n, i) {
        var short = n.name.replace(/(股份)?有限(责任)?公司$/, "");
        nodes.push({
          id: n.id, name: short, category: n.category, x: (maxTier - n.tier) * 320, y: (i - list.length / 2) * 26,
          symbolSize: n.tier === 0 ? 34 : 14,
          label: { show: n.tier === 0 || n.blocked, position: n.tier === 0 ? "bottom" : "left", fontSize: 11 },
          tooltip: { formatter: n.name + "<br>" + n.region + (n.level ? " · " + n.level : "") + " · " + labels.tier +
            " " + n.tier + (n.blocked ? "<br>" + labels.blocked + (n.tts === null ? "" : " · " + labels.days + " " + n.tts) : "") }
        });
      });
    });
    var chart = echarts.init(el);
    chart.setOption({
      color: COLOURS,
      tooltip: {},
      legend: [{ data: data.categories, top: 0 }],
      series: [{
        type: "graph", layout: "none", roam: true, draggable: true, top: 40, bottom: 16, left: 160, right: 40,
        categories: data.categories.map(function (c, i) { return { name: c, itemStyle: { color: COLOURS[i] } }; }),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 5, lineStyle: { opacity: 0.35, curveness: 0.15 },
        data: nodes, links: data.links.map(function (l) {
          return { source: l.source, target: l.target, tooltip: { formatter: l.part + " · " + labels.stock + " " + l.stock } };
        }),
        emphasis: { focus: "adjacency", label: { show: true } }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
