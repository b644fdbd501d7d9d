/* The review form's live result: asks the server's one rule (review_classify) as the officer
   types, and shows the result badge, the income line used and any warning. No dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) return;
  var url = form.getAttribute("data-classify-url");
  var badge = document.getElementById("review-result");
  var line = document.getElementById("review-line");
  var count = document.getElementById("review-deprivations");
  var error = document.getElementById("review-error");
  var warning = document.getElementById("review-warning");
  var BADGES = ["text-bg-danger", "text-bg-warning", "text-bg-info", "text-bg-success", "text-bg-secondary"];
  var timer = null;
  var sequence = 0;

  function field(role) {
    return form.querySelector('[data-role="' + role + '"]');
  }

  function setBadge(cls, text, result) {
    BADGES.forEach(function (c) { badge.classList.remove(c); });
    badge.classList.add(cls);
    badge.textContent = text;
    badge.setAttribute("data-result", result || "");
  }

  function setWarning(text) {
    warning.textContent = text || "";
    warning.classList.toggle("d-none", !text);
  }

  function refresh() {
    var ticked = [];
    form.querySelectorAll("input.deprivation").forEach(function (box) {
      if (box.checked) ticked.push(box.getAttribute("data-indicator"));
    });
    var params = new URLSearchParams({
      year: field("year").value,
      area_type: field("area-type").value,
      income: field("income").value.replace(/[.\s\u00a0]/g, ""),
      deprivations: ticked.join(";")
    });
    var mine = ++sequence;
    fetch(url + "?" + params.toString(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== sequence) return; // an older answer arriving late
        if (data.error) {
          setBadge("text-bg-secondary", "—", "");
          error.textContent = data.error;
          line.textContent = "";
          setWarning(data.warning);
          return;
        }
        error.textContent = "";
        setBadge(data.badge, data.label, data.result);
        line.textContent = data.line_text;
        count.textContent = data.deprivations_text;
        setWarning(data.warning);
      })
      .catch(function () { /* offline: the result is computed on saving anyway */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  refresh();
})();
