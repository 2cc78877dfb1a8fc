/* The return figures chart (ECharts, vendored): workers on site day by day stacked by origin province, and the
   return rate against the pre-holiday headcount on the right axis. */
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("chart-return");
    if (!window.echarts || !el) { return; }
    var data = JSON.parse(document.getElementById("return-chart-data").textContent);
    var labels = JSON.parse(document.getElementById("return-chart-labels").textContent);
    var series = data.provinces.map(function (p) {
      return { name: p.name || labels.other, type: "bar", stack: "on_site", barMaxWidth: 18, data: p.data };
    });
    series.push({ name: labels.rate, type: "line", yAxisIndex: 1, showSymbol: false, data: data.rate,
                  markLine: { silent: true, symbol: "none", data: [{ yAxis: 100, name: labels.baseline }] } });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
      grid: { left: 56, right: 48, top: 40, bottom: 24 },
      xAxis: { type: "category", data: data.dates.map(function (d) { return d.slice(5); }) },
      yAxis: [{ type: "value", name: labels.on_site }, { type: "value", axisLabel: { formatter: "{value}%" } }],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
