// Progressive enhancements on every page; each page works without them.
(function () {
  "use strict";
  // A list's filters take a phone's whole screen: fold them there, unless the address already sets one.
  var phone = window.matchMedia("(max-width: 40rem)").matches;
  if (phone && !window.location.search) {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (box) { box.open = false; });
  }
})();
