/* global window, location, localStorage, fetch */
// Starts the 工作台's to-do request while the console's scripts are still on their way: a
// classic script in <head> runs at once, the bundle only after it has loaded and parsed
// (over a second on a slow phone). main.tsx hands the answer to the query cache, before the
// first render when it is already in. Plain script, not bundled, so it can run first; the
// CSP allows it ('self').
(function () {
  if (location.pathname !== '/') return;
  var session;
  try {
    session = JSON.parse(localStorage.getItem('xuncha.session') || 'null');
  } catch {
    return;
  }
  // An expired token would only earn a 401; the console's own call handles that (back to sign-in).
  if (!session || !session.token || (session.expiresAt && session.expiresAt <= Date.now())) return;
  var entry = { done: false, data: null };
  // Anything but a 200 leaves data null: the console then asks itself, and shows what it gets.
  entry.promise = fetch('/api/v1/tasks', { headers: { authorization: 'Bearer ' + session.token, 'accept-language': 'zh-CN' } })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .catch(function () {
      return null;
    })
    .then(function (data) {
      entry.done = true;
      entry.data = data;
      return data;
    });
  window.xunchaPrefetched = { '/api/v1/tasks': entry };
})();
