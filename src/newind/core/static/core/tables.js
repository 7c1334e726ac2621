// Responsive tables. Each body cell of a table.data gets its column's heading as data-label; on a phone
// (≤ 640 px) a table wider than its box becomes a list of cards of labelled values (class "cards", styled
// in site.css), while a table that fits stays a table. Re-checked when the window is resized or rotated;
// tables swapped in by htmx are handled too. Priority-column tables (class "priority") hide their minor
// columns instead. No inline script (CSP).
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 640px)");

  function labelTable(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) { return; }
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < cell.colSpan; i++) { labels.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan > 1) { cell.classList.add("full"); }
          else if (!cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[column] || ""); }
          column += cell.colSpan;
        });
      });
    });
    table.classList.add("labelled");
  }

  function fit(table) {
    table.classList.remove("cards");
    if (!PHONE.matches) { return; }
    // The room the table has: its box's content width (a .table-wrap has no padding; a .card has some).
    var box = table.parentElement, style = window.getComputedStyle(box);
    var room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (table.offsetWidth > room + 1) { table.classList.add("cards"); }
  }

  function prepare(root) {
    var tables = (root || document).querySelectorAll("table.data:not(.priority)");
    Array.prototype.forEach.call(tables, function (t) { if (!t.classList.contains("labelled")) { labelTable(t); } });
    Array.prototype.forEach.call(tables, function (t) { if (t.classList.contains("labelled")) { fit(t); } });
  }

  function refit() { prepare(document); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refit);
  } else {
    refit();
  }
  var timer = null;
  window.addEventListener("resize", function () { window.clearTimeout(timer); timer = window.setTimeout(refit, 150); });
  document.addEventListener("htmx:afterSwap", function (event) { prepare(event.target); });
})();
