/* The resumption dashboard's charts (ECharts, vendored); clicking a bar opens the enterprises behind it. */
(function () {
  "use strict";
  function start() {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById("chart-data").textContent);
    var labels = JSON.parse(document.getElementById("chart-labels").textContent);
    var pct = function (v) { return v === null ? null : Math.round(v * 1000) / 10; };
    var trend = document.getElementById("chart-trend");
    if (trend) {
      echarts.init(trend).setOption({
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 16, top: 32, bottom: 24 },
        xAxis: { type: "category", data: data.trend.map(function (r) { return r.date.slice(5); }) },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [
          { name: labels.resumption, type: "line", showSymbol: false, data: data.trend.map(function (r) { return pct(r.resumption); }) },
          { name: labels["return"], type: "line", showSymbol: false, data: data.trend.map(function (r) { return pct(r["return"]); }) },
          { name: labels.capacity, type: "line", showSymbol: false, data: data.trend.map(function (r) { return pct(r.capacity); }) }
        ]
      });
    }
    function bars(id, rows, param) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis" }, grid: { left: 110, right: 24, top: 8, bottom: 24 },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { width: 100, overflow: "truncate" } },
        series: [{ name: labels.resumption, type: "bar", data: rows.map(function (r) { return pct(r.rate); }) }]
      });
      chart.on("click", function (p) { window.location = labels.drill + "&" + param + "=" + encodeURIComponent(rows[p.dataIndex].key); });
    }
    bars("chart-districts", data.districts, "district");
    bars("chart-industries", data.industries, "industry");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
