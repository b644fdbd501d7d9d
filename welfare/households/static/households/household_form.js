/* The household form: "Add another member" appends an empty member row from the formset's
   template and counts it in the management form. No dependencies. */
(function () {
  "use strict";
  var button = document.getElementById("add-member");
  var rows = document.getElementById("member-rows");
  var total = document.getElementById("id_members-TOTAL_FORMS");
  var template = document.getElementById("member-empty");
  if (!button || !rows || !total || !template) return;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, index);
    rows.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var name = rows.lastElementChild.querySelector("[data-role=member-name]");
    if (name) name.focus();
  });
})();
