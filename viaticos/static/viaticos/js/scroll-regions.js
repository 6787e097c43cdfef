// A table wider than a phone scrolls in its own box (app.css); a keyboard must reach that box
// too. Each table that scrolls becomes focusable (named after its caption or heading; it stays
// a table for screen readers); one that fits is left alone.
(function () {
  "use strict";
  function name(table) {
    var caption = table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var heading = table.closest("section, .card, main");
    heading = heading && heading.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : document.title;
  }
  function mark() {
    document.querySelectorAll("main table").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute("aria-label", name(table));
        table.dataset.scrollRegion = "1";
      } else if (!scrolls && table.dataset.scrollRegion) {
        ["tabindex", "aria-label", "data-scroll-region"].forEach(function (attribute) {
          table.removeAttribute(attribute);
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
