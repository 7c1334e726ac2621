// Leaders' dashboard: draws the charts from the json_script data and handles full-screen mode.
// No inline scripts or handlers (CSP-friendly): everything is wired here.
(function () {
  "use strict";
  var dataEl = document.getElementById("dashboard-data");
  if (!dataEl || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var cockpit = document.getElementById("cockpit");
  var charts = [];
  var RED = "#c0392b", BLUE = "#1f5fa8";

  function big() { return cockpit.classList.contains("screen"); }
  function fontSize() { return big() ? 18 : 12; }

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push({ chart: chart, build: option });
  }

  function trendOption() {
    var t = data.trend;
    return {
      textStyle: { fontSize: fontSize() },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { data: [data.city, "湖南省"], top: 0, textStyle: { fontSize: fontSize() } },
      grid: { left: 40, right: 16, top: 36, bottom: 60 },
      xAxis: { type: "category", data: t.labels, axisLabel: { rotate: 45, fontSize: fontSize() - 2 } },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: "{value}%", fontSize: fontSize() - 2 } },
      series: [
        { name: data.city, type: "line", data: t.city, itemStyle: { color: RED }, symbolSize: 7 },
        { name: "湖南省", type: "line", data: t.province, itemStyle: { color: BLUE }, symbolSize: 7 }
      ]
    };
  }

  function barOption(series, reference) {
    var values = series.values.map(function (v) {
      return { value: v, itemStyle: { color: (reference != null && v < reference) || v < 0 ? RED : BLUE } };
    });
    var option = {
      textStyle: { fontSize: fontSize() },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      grid: { left: 8, right: 48, top: 10, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: "{value}%", fontSize: fontSize() - 2 } },
      yAxis: { type: "category", inverse: true, data: series.names, axisLabel: { fontSize: fontSize() - 1 } },
      series: [{ type: "bar", data: values, label: { show: true, position: "right", formatter: "{c}%",
                                                    fontSize: fontSize() - 2 } }]
    };
    if (reference != null) {
      option.series[0].markLine = { symbol: "none", label: { formatter: data.city + " {c}%", position: "insideEndTop" },
                                    lineStyle: { type: "dashed", color: "#888" }, data: [{ xAxis: reference }] };
    }
    return option;
  }

  function drawAll() {
    charts.forEach(function (c) { c.chart.dispose(); });
    charts = [];
    draw("chart-trend", trendOption());
    draw("chart-counties", barOption(data.counties, data.counties.reference));
    draw("chart-parks", barOption(data.parks, null));
  }

  var parksTitle = document.getElementById("parks-title");
  if (parksTitle && data.parks.title) { parksTitle.textContent = data.parks.title; }
  drawAll();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.chart.resize(); }); });

  // Full screen: the Fullscreen API where allowed, and the large-type layout either way.
  var button = document.getElementById("fullscreen-btn");
  if (button) {
    button.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
        return;
      }
      cockpit.classList.add("screen");
      drawAll();
      if (document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(function () { /* refused: keep the large layout */ });
      }
    });
    document.addEventListener("fullscreenchange", function () {
      button.textContent = document.fullscreenElement ? "退出全屏" : "全屏";
      if (!document.fullscreenElement && !new URLSearchParams(location.search).has("mode")) {
        cockpit.classList.remove("screen");
        drawAll();
      }
    });
  }
  var select = document.getElementById("period-select");
  if (select) { select.addEventListener("change", function () { select.form.submit(); }); }
})();
