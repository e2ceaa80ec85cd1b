// Turns each <select data-type-ahead> into a type-ahead (GOV.UK's accessible-autocomplete, vendored): typing part of
// an option's text ("makassar") lists the options that contain it. The select stays in the form, hidden, and holds
// the value sent; without JavaScript it works on its own. Messages come translated in the select's data- attributes.
(function () {
  "use strict";
  if (!window.accessibleAutocomplete) return;

  function enhance(select) {
    if (select.disabled || select.multiple) return;
    var text = select.dataset;
    var chosen = select.options[select.selectedIndex];
    var matching = function (query) {
      return [].filter.call(select.options, function (option) { return option.value && option.textContent === query; })[0];
    };
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: chosen && chosen.value ? chosen.textContent : "",
      showNoOptionsFound: true,
      minLength: 1,
      displayMenu: "overlay",
      onConfirm: function (query) {
        var option = query ? matching(query) : null;
        if (option) option.selected = true;
      },
      tNoResults: function () { return text.noResults; },
      tStatusQueryTooShort: function () { return text.queryTooShort; },
      tStatusNoResults: function () { return text.noResults; },
      tStatusSelectedOption: function (option) { return text.selected.replace("%(option)s", option); },
      tStatusResults: function (count) { return text.results.replace("%(count)s", count); },
      tAssistiveHint: function () { return text.hint; }
    });
    // Emptying the text empties the choice, and a text that names no option chooses none.
    var input = document.getElementById(select.id.replace(/-select$/, ""));
    if (!input) return;
    var sync = function () {
      var option = matching(input.value);
      if (option) option.selected = true;
      else select.value = "";
    };
    input.addEventListener("input", function () { if (!input.value) select.value = ""; });
    input.addEventListener("blur", function () { window.setTimeout(sync, 0); });
    if (select.form) select.form.addEventListener("submit", sync);
  }

  [].forEach.call(document.querySelectorAll("select[data-type-ahead]"), enhance);
})();
