// The home dashboard's charts (ECharts, served locally). Clicking a bar opens the records behind it.
(function () {
  const source = document.getElementById("lz-dashboard");
  if (!source || !window.echarts) return;
  const d = JSON.parse(source.textContent);
  const red = "#9b1c1c";

  function chart(id, option, links) {
    const el = document.getElementById(id);
    if (!el) return;
    const c = echarts.init(el);
    c.setOption(Object.assign({ grid: { left: 40, right: 16, top: 28, bottom: 40, containLabel: true }, tooltip: { trigger: "axis" } }, option, {
      // The HTML tooltip writes inline style attributes, which the Content-Security-Policy refuses.
      tooltip: Object.assign({ trigger: "axis" }, option.tooltip, { renderMode: "richText" }),
    }));
    if (links) c.on("click", (p) => { const url = links(p); if (url) window.location.href = url; });
    window.addEventListener("resize", () => c.resize());
  }

  const a = d.activities;
  chart("chart-activities", {
    xAxis: { type: "category", data: a.months }, yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", name: "活动", data: a.held, itemStyle: { color: red } }],
  }, (p) => a.links[p.dataIndex]);

  chart("chart-cadence", {
    legend: { top: 0 }, xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: a.cadence.map((r) => r.name), inverse: true,
             axisLabel: { interval: 0, fontSize: 11, width: 130, overflow: "truncate" } },
    series: [
      { type: "bar", stack: "s", name: "达标", data: a.cadence.map((r) => r.met), itemStyle: { color: "#2e7d32" } },
      { type: "bar", stack: "s", name: "未达标", data: a.cadence.map((r) => r.missed), itemStyle: { color: red } },
      { type: "bar", stack: "s", name: "进行中", data: a.cadence.map((r) => r.open), itemStyle: { color: "#bdbdbd" } },
    ],
  }, () => a.cadence_link);

  const p = d.proposals;
  chart("chart-proposals", {
    xAxis: { type: "category", data: p.labels, axisLabel: { interval: 0, rotate: 30 } }, yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", name: "提案", data: p.values, itemStyle: { color: red } }],
  }, (e) => p.links[e.dataIndex]);

  const o = d.opinions;
  chart("chart-opinions", {
    legend: { top: 0 }, xAxis: { type: "category", data: o.labels }, yAxis: { type: "value", minInterval: 1 },
    series: [
      { type: "bar", name: "采用", data: o.adopted, itemStyle: { color: red } },
      { type: "bar", name: "批示", data: o.instructed, itemStyle: { color: "#f0a030" } },
    ],
  }, (e) => o.links[e.dataIndex]);

  const r = d.research;
  chart("chart-research", {
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: r.labels, inverse: true,
             axisLabel: { interval: 0, fontSize: 11, width: 110, overflow: "truncate" } },
    series: [{ type: "bar", name: "课题", data: r.values, itemStyle: { color: red } }],
  }, () => r.link);

  const s = d.scores;
  if (s.rule_set) {
    chart("chart-scores", {
      tooltip: { trigger: "item" },
      xAxis: { type: "category", data: s.bucket_labels, name: "分" }, yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: "人数", data: s.bucket_values, itemStyle: { color: red } },
        { type: "pie", name: "等次", radius: ["0", "28%"], center: ["82%", "30%"], label: { show: true, formatter: "{b} {c}" },
          data: s.grade_labels.map((label, i) => ({ name: label, value: s.grade_values[i] })) },
      ],
    }, (e) => (e.seriesType === "pie" ? s.grade_links[e.dataIndex] : s.link));
  }
})();
