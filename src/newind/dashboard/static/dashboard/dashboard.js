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

  // The charts' text in the page's own font stack (which ends with the bundled CJK font): ECharts' default
  // "sans-serif" finds no Chinese glyphs on a machine without a system CJK font and draws boxes. After the
  // bundled font arrives the family is written differently: ECharts caches text widths by the font's text,
  // and widths measured with the fallback font would cut the axis labels short.
  var FONT = window.getComputedStyle(document.body).fontFamily;
  var redrawn = false;
  function font() { return redrawn ? FONT + ", serif" : FONT; }
  function big() { return cockpit.classList.contains("screen"); }
  function fontSize() { return big() ? 18 : 12; }
  // On the dark screen every text and line of the charts is light; on paper-white pages ECharts' defaults.
  function ink() { return big() ? "#e8edf5" : "#333"; }
  function rule() { return big() ? "#3a4f6e" : "#e0e0e0"; }
  function axis(extra) {
    // The axis labels name the font themselves: ECharts sizes the grid (containLabel) with the axis label's own
    // font, which does not follow the global textStyle, so the measured width would be sans-serif's.
    var a = { axisLabel: { color: ink(), fontSize: fontSize() - 2, fontFamily: font() }, axisLine: { lineStyle: { color: rule() } },
              splitLine: { lineStyle: { color: rule() } } };
    Object.keys(extra).forEach(function (k) {
      a[k] = (typeof extra[k] === "object" && a[k]) ? Object.assign({}, a[k], extra[k]) : extra[k];
    });
    return a;
  }


  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = Object.assign({ fontFamily: font() }, option.textStyle || {});
    option.animation = !big() && !redrawn;  // the meeting-room screen shows the final picture at once
    chart.setOption(option);
    charts.push({ chart: chart, build: option });
  }

  function trendOption() {
    var t = data.trend;
    return {
      textStyle: { fontSize: fontSize(), color: ink() },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { data: [data.city, "湖南省"], top: 0, textStyle: { fontSize: fontSize(), color: ink() } },
      grid: { left: big() ? 36 : 8, right: 16, top: big() ? 44 : 36, bottom: 8, containLabel: true },
      xAxis: axis({ type: "category", data: t.labels, axisLabel: { rotate: 45 } }),
      yAxis: axis({ type: "value", scale: true, axisLabel: { formatter: "{value}%" } }),
      series: [
        { name: data.city, type: "line", data: t.city, itemStyle: { color: RED }, symbolSize: 7 },
        { name: "湖南省", type: "line", data: t.province, itemStyle: { color: BLUE }, symbolSize: 7 }
      ]
    };
  }

  // `unit` is what every value is in: "%" for the growth charts (the default), "分" for a score.
  function barOption(series, reference, unit) {
    unit = unit == null ? "%" : unit;
    var values = series.values.map(function (v) {
      return { value: v, itemStyle: { color: (reference != null && v < reference) || v < 0 ? RED : BLUE } };
    });
    var option = {
      textStyle: { fontSize: fontSize(), color: ink() },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + unit; } },
      // Room above the bars for the reference line's label (at the line's start: the axis is inverted), so
      // it never sits on a bar.
      grid: { left: 8, right: 56, top: reference != null ? fontSize() * 2 : 10, bottom: 8, containLabel: true },
      xAxis: axis({ type: "value", axisLabel: { formatter: "{value}" + unit } }),
      yAxis: axis({ type: "category", inverse: true, data: series.names, axisLabel: { fontSize: fontSize() - 1 } }),
      series: [{ type: "bar", data: values, label: { show: true, position: "right", formatter: "{c}" + unit,
                                                    color: ink(), fontSize: fontSize() - 2 } }]
    };
    if (reference != null) {
      option.series[0].markLine = { symbol: "none", silent: true,
                                    label: { formatter: data.city + " {c}" + unit, position: "start", color: ink(),
                                             fontSize: fontSize() - 2 },
                                    lineStyle: { type: "dashed", color: big() ? "#c9d3e1" : "#888" },
                                    data: [{ xAxis: reference }] };
    }
    return option;
  }

  function drawAll() {
    charts.forEach(function (c) { c.chart.dispose(); });
    charts = [];
    draw("chart-trend", trendOption());
    draw("chart-counties", barOption(data.counties, data.counties.reference));
    draw("chart-parks", barOption(data.parks, null));
    // The domains' bar charts (newind.core.parts cards, e.g. the projects' 赛马 totals): an element with
    // data-part-chart naming the json_script that holds its {names, values, unit, reference}.
    document.querySelectorAll("[data-part-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-part-chart"));
      if (!source || !el.id) { return; }
      var series = JSON.parse(source.textContent);
      draw(el.id, barOption(series, series.reference == null ? null : series.reference, series.unit));
    });
  }

  var parksTitle = document.getElementById("parks-title");
  if (parksTitle && data.parks.title) { parksTitle.textContent = data.parks.title; }
  var fontsPending = document.fonts && document.fonts.status !== "loaded";
  drawAll();
  // A canvas keeps the glyphs it was drawn with: when the bundled font arrives after the first drawing (no
  // system CJK font), draw once more with it.
  if (fontsPending && document.fonts.ready) {
    document.fonts.ready.then(function () { redrawn = true; drawAll(); });
  }
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
