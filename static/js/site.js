// On every page. After a form comes back with errors, focus goes to the summary of them (it is
// read out, and its links lead to each field): a screen-reader user hears what to fix instead of
// starting again at the top of the page (WCAG 3.3.1, 4.1.3).
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
