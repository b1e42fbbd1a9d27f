// Applies the saved theme before the first paint so a dark page never flashes white.
try {
  var t = localStorage.getItem('fw-theme');
  if (t === 'dark' || t === 'light') document.documentElement.dataset.theme = t;
} catch (e) {}
