// The board, live: each change the console's stream announces fetches the board's changing part again (rendered on
// the server, with the page's filters) and puts it in place, at most once a second: in an alert storm every open board
// would otherwise ask the query service for its list back to back. Without script the page is complete; a reload
// shows news.
(function () {
  'use strict';
  var live = document.getElementById('live');
  var state = document.getElementById('live-state');
  if (!live || !window.EventSource) { return; }
  var firstPage = live.getAttribute('data-first-page') === 'true';
  var MIN_GAP_MS = 1000;
  var pending = false;
  var again = false;
  var last = 0;
  var timer = null;

  function schedule() {
    if (timer) { return; }
    timer = setTimeout(function () { timer = null; refresh(); }, Math.max(0, last + MIN_GAP_MS - Date.now()));
  }

  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    last = Date.now();
    fetch(live.getAttribute('data-live-url'), { headers: { 'Accept': 'text/html' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { live.innerHTML = html; state.textContent = 'Live: updated ' + new Date().toLocaleTimeString(); })
      .catch(function () { state.textContent = 'Live updates paused; reload to see the latest.'; })
      .then(function () { pending = false; if (again) { again = false; schedule(); } });
  }

  var stream = new EventSource('/events');
  stream.addEventListener('open', function () { state.textContent = 'Live'; document.body.setAttribute('data-live', 'open'); });
  stream.addEventListener('incident', function () {
    if (firstPage) { schedule(); } else { state.textContent = 'Incidents changed: go to the first page to see them.'; }
  });
  stream.addEventListener('error', function () { state.textContent = 'Live updates reconnecting...'; });
})();
