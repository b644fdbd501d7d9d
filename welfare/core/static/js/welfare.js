/* Small behaviours every page may use, declared in the markup with data attributes, because
   the Content-Security-Policy allows no inline script or event handler (docs/security.md):
   - data-autosubmit on a field: changing it submits its form;
   - data-confirm="question" on a form: asks before submitting;
   - data-check-all="input[name=x]" on a checkbox: ticks or unticks those boxes;
   - data-width="37" on an element (a progress bar): its width in percent, which a style
     attribute would otherwise set.
   And while someone types in a form, the session is kept alive (at most one request every
   five minutes), so a long form is not lost to the idle limit when it is saved. No
   dependencies. */
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () { field.form.submit(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  document.querySelectorAll("[data-check-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(all.getAttribute("data-check-all")).forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
  document.querySelectorAll("[data-width]").forEach(function (el) {
    var percent = parseFloat(el.getAttribute("data-width"));
    if (!isNaN(percent)) el.style.width = Math.max(0, Math.min(100, percent)) + "%";
  });
  var keepAliveUrl = document.body.getAttribute("data-keepalive-url");
  var lastKeptAlive = Date.now();
  if (keepAliveUrl) {
    document.addEventListener("input", function (event) {
      if (!event.target.form || Date.now() - lastKeptAlive < 5 * 60 * 1000) return;
      lastKeptAlive = Date.now();
      fetch(keepAliveUrl, {credentials: "same-origin", cache: "no-store"}).catch(function () {});
    });
  }
})();
