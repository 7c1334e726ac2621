// 「运行回测」: while the (synchronous) backtest runs, the button is disabled and a progress line shows.
(function () {
  "use strict";
  var form = document.getElementById("run-backtest");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = document.getElementById("run-backtest-button");
    var progress = document.getElementById("run-progress");
    // Disable after the submit has been dispatched, so the form still sends.
    window.setTimeout(function () { button.disabled = true; button.textContent = "正在回测……"; }, 0);
    if (progress) { progress.hidden = false; }
  });
})();
