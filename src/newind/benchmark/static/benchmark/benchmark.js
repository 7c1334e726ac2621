/* Benchmarking charts: share (or value) trend and the 标兵/追兵 gaps. Data comes from json_script. */
(function () {
  "use strict";
  // Changing the peer group reloads its units (no inline handler: the CSP forbids inline scripts).
  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  var holder = document.getElementById("benchmark-data");
  if (!holder || typeof echarts === "undefined") { return; }
  var d = JSON.parse(holder.textContent);
  var fmt = function (v, n) { return v === null || v === undefined ? "—" : Number(v).toFixed(n); };
  var charts = [];
  var base = function () {
    return {
      grid: { left: 56, right: 24, top: 48, bottom: 36, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.years, axisLabel: { hideOverlap: true } },
      animation: false
    };
  };

  var shareEl = document.getElementById("chart-share");
  if (shareEl) {
    var c1 = echarts.init(shareEl);
    var opt1 = base();
    var hasShare = Object.keys(d.share_labels || {}).length > 0;
    if (hasShare) {
      opt1.yAxis = { type: "value", name: "%", scale: true };
      opt1.series = [];
      if (d.share_labels.share_of_province_pct) {
        opt1.series.push({ name: d.province_series, type: "line", data: d.share_province, connectNulls: false,
          label: { show: true, formatter: function (p) { return fmt(p.value, 2); } } });
      }
      opt1.series.push({ name: "占组内合计比重", type: "line", data: d.share_group, lineStyle: { type: "dashed" } });
      opt1.tooltip.valueFormatter = function (v) { return fmt(v, 2) + "%"; };
    } else {
      opt1.yAxis = [{ type: "value", name: d.unit, scale: true },
                    { type: "value", name: "位次", inverse: true, minInterval: 1, min: 1 }];
      opt1.series = [
        { name: d.unit_name, type: "bar", data: d.values, itemStyle: { color: "#b1291c" } },
        { name: "位次", type: "line", yAxisIndex: 1, data: d.ranks }
      ];
    }
    c1.setOption(opt1);
    charts.push(c1);
  }

  var gapChart = function (id, values, names, label, color) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    var opt = base();
    opt.legend.show = false;
    opt.yAxis = { type: "value", name: d.gap_unit };
    opt.tooltip.formatter = function (items) {
      var i = items.length ? items[0].dataIndex : 0;
      var who = names[i] ? "（" + names[i] + "）" : "";
      return d.years[i] + "<br>" + label + who + "：" + fmt(values[i], d.decimals) + d.gap_unit;
    };
    opt.series = [{
      name: label, type: "bar", data: values, itemStyle: { color: color }, barMaxWidth: 42,
      label: { show: true, position: "top", formatter: function (p) { return fmt(p.value, d.decimals > 1 ? 1 : d.decimals); } }
    }];
    c.setOption(opt);
    charts.push(c);
  };
  gapChart("chart-ahead", d.ahead_gap, d.ahead_name, "与标兵差距", "#c0392b");
  gapChart("chart-behind", d.behind_gap, d.behind_name, "领先追兵", "#2e8b57");

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
