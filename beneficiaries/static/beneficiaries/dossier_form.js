/* The dossier form: shows the due date the time limit of the kind gives, while the due-date
   field is left empty. The limits and the label come from the page. No dependencies. */
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=dossier-form]");
  var out = document.getElementById("due-default");
  if (!form || !out) return;
  var limits = {};
  (form.dataset.limits || "").split(";").forEach(function (pair) {
    var parts = pair.split("=");
    if (parts[0]) limits[parts[0]] = parseInt(parts[1], 10);
  });
  var kind = form.querySelector("[data-role=kind]");
  var received = form.querySelector("[data-role=received-on]");
  var due = form.querySelector("[data-role=due-on]");
  var holder = out.closest("[data-due-label]");
  var text = holder ? holder.getAttribute("data-due-label") : "";
  function pad(n) { return String(n).padStart(2, "0"); }
  function update() {
    out.textContent = "";
    var m = /^(\d{1,2})[\/-](\d{1,2})[\/-](\d{4})$/.exec((received.value || "").trim());
    var days = limits[kind.value];
    if (due.value.trim() || !m || !days) return;
    var d = new Date(+m[3], +m[2] - 1, +m[1]);
    d.setDate(d.getDate() + days);
    out.textContent = text + " " + pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }
  [kind, received, due].forEach(function (el) { el.addEventListener("input", update); el.addEventListener("change", update); });
  update();
})();
