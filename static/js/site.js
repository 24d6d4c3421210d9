// On every page. On a narrow screen the main menu folds behind a button (a disclosure: the button
// says whether it is open; Escape closes it and puts the focus back on the button). Without this
// script the menu simply shows. After a form comes back with errors, focus goes to the summary of them (it is
// read out, and its links lead to each field): a screen-reader user hears what to fix instead of
// starting again at the top of the page (WCAG 3.3.1, 4.1.3).
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-button");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (menu) {
    header.classList.add("menu-ready");
    var show = function (open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    };
    button.addEventListener("click", function () { show(button.getAttribute("aria-expanded") !== "true"); });
    menu.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && button.getAttribute("aria-expanded") === "true") { show(false); button.focus(); }
    });
  }

  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
