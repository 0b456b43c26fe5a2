// The documents drawn up in the background (workflow/casefile/render_jobs.py): while one is
// waiting or running, ask the server every two seconds how far it is, move its bar, and reload
// the page when it has ended, so that the file (or the reason it failed) is shown.
(function () {
  var card = document.getElementById('render-jobs');
  if (!card) return;
  function active() { return card.querySelectorAll('tr[data-active="true"]'); }
  function poll() {
    fetch(card.getAttribute('data-jobs-url'), {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (jobs) {
        var ended = false;
        jobs.forEach(function (job) {
          var row = card.querySelector('tr[data-job="' + job.id + '"]');
          if (!row) { ended = true; return; }  // a job started elsewhere: show it
          var bar = row.querySelector('[data-job-bar]');
          bar.style.width = job.progress + '%';
          bar.setAttribute('aria-valuenow', job.progress);
          row.querySelector('[data-job-status]').textContent = job.status_label;
          if (row.getAttribute('data-active') === 'true' && !job.active) ended = true;
        });
        if (ended) window.location.reload();
        else if (active().length) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (active().length) window.setTimeout(poll, 2000);
})();
