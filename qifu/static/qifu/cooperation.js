/* The cooperation figures' charts (ECharts, vendored): listings, matches, contacts and deals by week, category
   and region; unmet demands by category (a click lists the ledger's problems of that category). */
(function () {
  "use strict";
  function start() {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById("chart-data").textContent);
    var labels = JSON.parse(document.getElementById("chart-labels").textContent);
    var flow = ["supplies", "demands", "matches", "contacts", "deals"];
    var charts = [];
    function series(rows, keys, type, stack) {
      return keys.map(function (k) {
        return { name: labels[k], type: type, stack: stack && (k === "supplies" || k === "demands") ? "listings" : undefined,
                 data: rows.map(function (r) { return r[k]; }) };
      });
    }
    function init(id, option) {
      var el = document.getElementById(id);
      if (!el) { return null; }
      var chart = echarts.init(el);
      chart.setOption(option);
      charts.push(chart);
      return chart;
    }
    init("chart-weeks", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 16, top: 40, bottom: 24 },
      xAxis: { type: "category", data: data.weeks.map(function (r) { return r.label.slice(5); }) },
      yAxis: { type: "value" }, series: series(data.weeks, flow, "line", false)
    });
    function horizontal(id, rows) {
      return init(id, {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 130, right: 24, top: 40, bottom: 24 },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }),
                 axisLabel: { width: 120, overflow: "truncate" } },
        series: series(rows, flow, "bar", true)
      });
    }
    horizontal("chart-categories", data.categories);
    horizontal("chart-regions", data.regions);
    var unmet = init("chart-unmet", {
      tooltip: { trigger: "axis" }, grid: { left: 130, right: 24, top: 8, bottom: 24 }, xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: data.unmet.map(function (r) { return r.label; }),
               axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ name: labels.unmet, type: "bar", itemStyle: { color: "#c0392b" }, data: data.unmet.map(function (r) { return r.n; }) }]
    });
    if (unmet) {
      unmet.on("click", function (p) { window.location = labels.problems + encodeURIComponent(data.unmet[p.dataIndex].label); });
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
