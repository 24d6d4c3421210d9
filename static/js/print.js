// The "Afdrukken" button on the council's review (kept out of inline handlers for the CSP).
(function () {
  "use strict";
  var button = document.getElementById("print-knop");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
