// The review page: j / ArrowDown moves the focus to the next line (per-diem or receipt),
// k / ArrowUp to the previous one (issue 20). Keys typed in a field are left alone.
(function () {
  "use strict";
  function lines() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-review-line]"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    var step = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[event.key];
    if (!step) return;
    var all = lines();
    if (!all.length) return;
    var current = target.closest ? target.closest("[data-review-line]") : null;
    var index = current ? all.indexOf(current) + step : (step > 0 ? 0 : all.length - 1);
    if (index < 0 || index >= all.length) return;
    event.preventDefault();
    all[index].focus();
    all[index].scrollIntoView({ block: "nearest" });
  });
  // After htmx swaps a line in place, the focus stays on that line.
  document.addEventListener("htmx:afterSwap", function (event) {
    var line = event.detail && event.detail.target;
    if (line && line.id) {
      var fresh = document.getElementById(line.id);
      if (fresh) fresh.focus({ preventScroll: true });
    }
  });
})();
