// Draws the API reference with ReDoc, from a file rather than an inline script (the portal's policy allows none).
// ReDoc injects its styles as <style> elements: they carry this script's nonce, the one the page's policy allows.
(function () {
  "use strict";
  var script = document.currentScript;
  var container = document.getElementById("redoc-container");
  var options = JSON.parse(container.dataset.settings || "{}");
  options.nonce = script.nonce;

  // ReDoc ends its side menu with Redocly's logo from cdn.redoc.ly, and has no option to leave it out. Nothing may
  // load from another host: images given that address get one that fails at once instead, and ReDoc then shows its
  // "API docs by Redocly" link without the logo.
  var redoclyLogo = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) { src.set.call(this, value === redoclyLogo ? "data:," : value); },
  });

  Redoc.init(container.dataset.schemaUrl, options, container);
})();
