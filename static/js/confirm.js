// Asks before an irreversible step: a form with data-confirm="question" is sent only when the question is answered
// with OK. Without JavaScript the form is sent as it is; the server checks every step again either way.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.dataset.confirm : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
