// A job's page (templates/admin/sitewide/job_progress.html): ask the job's
// status every two seconds and move the bar; reload the page once the job has
// ended, so that its result or its error shows. Without JavaScript the page
// reloads itself (<noscript> refresh).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var status = box.getAttribute("data-status");
  if (status === "done" || status === "failed") return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.total) {
          bar.max = job.total;
          bar.value = job.done;
        }
        count.textContent = job.text;
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
