// Elder mode on a phone: the header's "Menu" link opens the tools and the
// navigation under it. Without script the link does the same through
// #site-menu (:target); with it, the link is a toggle that says whether the
// menu is open and closes it again. Nothing else changes.
(function () {
  "use strict";
  var link = document.querySelector(".menu-button");
  var header = document.getElementById("site-menu");
  if (!link || !header) return;
  var openLabel = link.textContent;
  var closeLabel = link.getAttribute("data-label-close") || openLabel;
  link.setAttribute("role", "button");
  link.setAttribute("aria-expanded", "false");
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var open = !header.classList.contains("menu-open");
    header.classList.toggle("menu-open", open);
    link.setAttribute("aria-expanded", open ? "true" : "false");
    link.textContent = open ? closeLabel : openLabel;
  });
  link.addEventListener("keydown", function (event) {
    if (event.key === " ") {
      event.preventDefault();
      link.click();
    }
  });
})();
