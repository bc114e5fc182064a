// Picks the page's build: computing on a worker thread needs SharedArrayBuffer, which browsers give only to a
// cross-origin-isolated page (served with COOP/COEP headers, as scripts/serve.mjs does). Elsewhere (a static host
// that sends no such headers) the single-threaded build computes in slices of each frame instead.
(function () {
  var threaded = self.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
  if (/[?&]threads=0(&|$)/.test(location.search)) threaded = false;  // ?threads=0: the fallback, on purpose
  var script = document.createElement('script');
  script.src = threaded ? 'attention-playground.js' : 'attention-playground-single.js';
  document.body.appendChild(script);
})();
