/* Target pages: the share-target chart and confirmations (no inline scripts: the CSP forbids them). */
(function () {
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) { event.preventDefault(); }
    });
  });
  var holder = document.getElementById('share-data');
  var box = document.getElementById('share-chart');
  if (!holder || !box || !window.echarts) { return; }
  var d = JSON.parse(holder.textContent);
  var chart = window.echarts.init(box);
  chart.setOption({
    tooltip: {trigger: 'axis'},
    legend: {data: ['需达到的占比', '按近期趋势']},
    grid: {left: 48, right: 16, top: 36, bottom: 28},
    xAxis: {type: 'category', data: d.years},
    yAxis: {type: 'value', name: '%', scale: true},
    series: [
      {name: '需达到的占比', type: 'line', data: d.required},
      {name: '按近期趋势', type: 'line', data: d.trend, lineStyle: {type: 'dashed'}}
    ]
  });
  window.addEventListener('resize', function () { chart.resize(); });
})();
