// Draws the 源头治理 dashboard charts with ECharts from the JSON the page carries.
(function () {
  "use strict";
  var source = document.getElementById("governance-data");
  if (!source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function chart(id, option) {
    var node = document.getElementById(id);
    if (node) { window.echarts.init(node).setOption(option); }
  }
  var departments = document.getElementById("chart-departments");
  var registered = (departments && departments.dataset.registered) || "登记";
  var closed = (departments && departments.dataset.closed) || "办结";
  chart("chart-departments", {
    tooltip: { trigger: "axis" },
    legend: { data: [registered, closed] },
    grid: { left: 40, right: 10, bottom: 80 },
    xAxis: { type: "category", data: data.departments.map(function (r) { return r[0]; }), axisLabel: { rotate: 30 } },
    yAxis: { type: "value" },
    series: [
      { name: registered, type: "bar", data: data.departments.map(function (r) { return r[1]; }) },
      { name: closed, type: "bar", data: data.departments.map(function (r) { return r[2]; }) }
    ]
  });
  chart("chart-channels", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.channels }]
  });
  var labels = data.issues.length ? data.issues[0].trend.map(function (t) { return t.label; }) : [];
  chart("chart-issues", {
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", data: data.issues.map(function (i) { return i.name; }) },
    grid: { left: 40, right: 10, top: 50 },
    xAxis: { type: "category", data: labels },
    yAxis: { type: "value" },
    series: data.issues.map(function (i) {
      return { name: i.name, type: "line", smooth: true, data: i.trend.map(function (t) { return t.count; }) };
    })
  });
})();
