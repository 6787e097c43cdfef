// Destination pickers (SPEC §2.1): every country of the world is a destination, so each
// <select data-destination-search> gets a search box that keeps the options whose names match
// in either language, without accents or case ("mexico" finds "México · Mexico (MX)").
// Without JavaScript the select works as it is.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "destination-search";
    box.placeholder = select.dataset.destinationSearch;
    box.setAttribute("aria-label", select.dataset.destinationSearch);
    box.setAttribute("aria-controls", select.id);
    var options = Array.prototype.map.call(select.options, function (option) {
      return { option: option, text: fold(option.text + " " + option.value) };
    });
    box.addEventListener("input", function (event) {
      event.stopPropagation(); // not a change of the form: the calculator must not recompute
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var first = null;
      options.forEach(function (entry) {
        var match = !entry.option.value || words.every(function (w) {
          return entry.text.indexOf(w) !== -1;
        });
        entry.option.hidden = !match;
        entry.option.disabled = !match && !entry.option.selected;
        if (match && entry.option.value && first === null) { first = entry.option; }
      });
      var current = select.selectedOptions.length ? select.selectedOptions[0] : null;
      if (first !== null && words.length && (!current || !current.value || current.hidden)) {
        select.value = first.value; // the best match, as the select shows it
        select.dispatchEvent(new Event("input", { bubbles: true }));
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    select.parentNode.insertBefore(box, select);
  }
  document.querySelectorAll("select[data-destination-search]").forEach(attach);
})();
