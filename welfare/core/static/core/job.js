/* The job page's progress bar: polls the job's status until it is done or failed. The texts
   come from the page (data-text-*), already translated. No dependencies. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var done = {"SUCCESS": 1, "FAILURE": 1};
  if (done[box.dataset.state]) return;
  var texts = {
    working: box.dataset.textWorking,
    done: box.dataset.textDone,
    failed: box.dataset.textFailed,
    waiting: box.dataset.textWaiting
  };
  async function poll() {
    var response = await fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}});
    if (!response.ok) { setTimeout(poll, 3000); return; }
    var s = await response.json();
    var bar = box.querySelector(".progress-bar");
    var percent = s.state === "FAILURE" ? 100 : s.percent;
    bar.style.width = percent + "%";
    bar.textContent = s.percent + "%";
    box.querySelector(".progress").setAttribute("aria-valuenow", s.percent);
    var state = document.getElementById("job-state");
    if (s.state === "SUCCESS") {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      state.textContent = texts.done;
      if (s.result_url) { var a = document.getElementById("job-result"); a.href = s.result_url; a.classList.remove("d-none"); }
    } else if (s.state === "FAILURE") {
      bar.classList.add("bg-danger");
      state.textContent = texts.failed + " " + (s.error || "");
    } else if (s.state === "WAITING") {
      // Saved while the job queue was down: it starts once the queue is back.
      state.textContent = texts.waiting;
      setTimeout(poll, 5000);
    } else {
      state.textContent = s.message ? texts.working + " (" + s.message + ")" : texts.working;
      setTimeout(poll, 1000);
    }
  }
  setTimeout(poll, 500);
})();
