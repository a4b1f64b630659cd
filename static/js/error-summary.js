// Progressive enhancement of templates/_error_summary.html: the page works without it.
// Moves focus to the summary (where autofocus on a div is ignored) and makes each link
// focus its field, scrolled so the field's label stays in view.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    var input = target.matches("input, select, textarea, button") ? target : target.querySelector("input, select, textarea");
    if (!input) return;
    event.preventDefault();
    var group = input.closest(".field, fieldset") || input;
    group.scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
})();
