// The incident page says when the incident changes under it (the live stream names the incident), and offers the
// fresh state; it never replaces what the reader is looking at, so an action is always taken on the state shown.
(function () {
  'use strict';
  var incident = document.getElementById('incident');
  var changed = document.getElementById('changed');
  if (!incident || !changed || !window.EventSource) { return; }
  var id = incident.getAttribute('data-incident');
  var shown = Number(incident.getAttribute('data-sequence'));
  var stream = new EventSource('/events');
  stream.addEventListener('open', function () { document.body.setAttribute('data-live', 'open'); });
  stream.addEventListener('incident', function (e) {
    try {
      var event = JSON.parse(e.data);
      if (event.incidentId === id && Number(event.sequence) > shown) { changed.hidden = false; }
    } catch (ignored) { /* not an event of ours */ }
  });
})();
