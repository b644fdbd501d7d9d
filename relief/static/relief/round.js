/* The round page's entry list: as the persons covered change, the rice and cost placeholders
   show the round's defaults (persons × ration × months, half-up to whole kg; rice × value per
   kg); typing in a row ticks it; "tick all"; the count of ticked rows. No dependencies. */
(function () {
  "use strict";
  var table = document.querySelector('[data-testid="entry-rows"]');
  if (!table) return;
  var ration = parseFloat(table.getAttribute("data-ration") || "0") || 0;
  var months = parseInt(table.getAttribute("data-months") || "1", 10) || 1;
  var value = parseInt(table.getAttribute("data-value") || "0", 10) || 0;
  var counter = document.querySelector('[data-role="picked-count"]');
  var all = table.querySelector('[data-role="pick-all"]');

  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function defaults(persons) {
    if (!ration || !persons || persons < 1) return [0, 0];
    // Tenths of a gram avoid float drift before rounding half up.
    var rice = Math.floor((Math.round(persons * ration * months * 10000) + 5000) / 10000);
    return [rice, rice * value];
  }

  function count() {
    if (!counter) return;
    var n = table.querySelectorAll('[data-role="pick"]:checked').length;
    counter.textContent = n ? n + " " + counter.getAttribute("data-label") : "";
  }

  table.querySelectorAll('tr[data-role="row"]').forEach(function (row) {
    var pick = row.querySelector('[data-role="pick"]');
    var persons = row.querySelector('[data-role="persons"]');
    var rice = row.querySelector('[data-role="rice"]');
    var cost = row.querySelector('[data-role="cost"]');
    function refresh() {
      if (!persons || !rice || !cost) return;
      var d = defaults(parseInt(persons.value, 10));
      rice.placeholder = String(d[0]);
      cost.placeholder = group(d[1]);
    }
    [persons, rice, cost].forEach(function (input) {
      if (!input) return;
      input.addEventListener("input", function () {
        if (input === persons) refresh();
        if (pick && !pick.checked) { pick.checked = true; count(); }
      });
    });
    if (pick) pick.addEventListener("change", count);
    refresh();
  });

  if (all) {
    all.addEventListener("change", function () {
      table.querySelectorAll('[data-role="pick"]').forEach(function (p) { p.checked = all.checked; });
      count();
    });
  }
  count();
})();
