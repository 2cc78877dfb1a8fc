/* A plant's supply network as an ECharts graph: columns by tier (plant on the right), red = not resumed,
   symbol shape by coordination level; the table below the graph is the phone view. */
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("chain-graph");
    if (!el || !window.echarts) { return; }
    var data = JSON.parse(document.getElementById("graph-data").textContent);
    var labels = JSON.parse(document.getElementById("graph-labels").textContent);
    var maxTier = 0, perTier = {};
    data.nodes.forEach(function (n) { maxTier = Math.max(maxTier, n.tier); });
    var nodes = data.nodes.map(function (n) {
      var row = perTier[n.tier] = (perTier[n.tier] || 0) + 1;
      return {
        id: n.id, name: n.name, category: n.category, x: (maxTier - n.tier) * 300, y: row * 40,
        symbolSize: n.tier === 0 ? 36 : 16,
        itemStyle: { color: n.tier === 0 ? "#1f4e79" : (n.blocked ? "#c0392b" : "#2e8b57") },
        value: n.tts, tooltip: { formatter: n.name + "<br>" + n.region + " · " + labels.tier + " " + n.tier +
          (n.blocked ? "<br>" + labels.blocked + (n.tts === null ? "" : " · " + labels.days + " " + n.tts) : "") }
      };
    });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {},
      legend: [{ data: data.categories, top: 0 }],
      series: [{
        type: "graph", layout: "none", roam: true, draggable: true, label: { show: false },
        categories: data.categories.map(function (c) { return { name: c }; }),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6, lineStyle: { opacity: 0.4, curveness: 0.1 },
        data: nodes, links: data.links.map(function (l) { return { source: l.source, target: l.target,
          tooltip: { formatter: l.part + " · " + l.stock } }; }),
        emphasis: { focus: "adjacency", label: { show: true } }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
