// window.playground (shared/SPEC.md §3): the page's test and scripting interface, over the module's
// exported C functions (src/app/main_web.cpp). Loaded with --pre-js, so it runs before the module starts.
var Module = typeof Module !== 'undefined' ? Module : {};
Module.canvas = document.getElementById('canvas');
Module.canvas.addEventListener('contextmenu', (e) => e.preventDefault());

(function () {
  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });
  const call = (name, ...args) => Module.ccall(name, 'string', args.map(() => 'string'), args);
  const callJson = (name, ...args) => JSON.parse(call(name, ...args));

  // Share links carry the scenario as base64url of its UTF-8 JSON in the fragment (never sent to a server).
  const toBase64Url = (text) => {
    const bytes = new TextEncoder().encode(text);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const fromBase64Url = (text) => {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  };

  window.playground = {
    ready,
    loadScenario(jsonOrObject) {
      const text = typeof jsonOrObject === 'string' ? jsonOrObject : JSON.stringify(jsonOrObject);
      return callJson('ap_load_scenario', text);
    },
    getScenario: () => callJson('ap_get_scenario'),
    getTrace: () => callJson('ap_get_trace'),
    backends: () => callJson('ap_backends'),
    setBackend: (name) => callJson('ap_set_backend', String(name)),
    widgetRect: (id) => callJson('ap_widget_rect', String(id)),
    widgetIds: () => callJson('ap_widget_ids'),
    lastError: () => call('ap_last_error'),
    lastFrameMs: () => Module.ccall('ap_last_frame_ms', 'number', [], []),
    lastComputeMs: () => Module.ccall('ap_last_compute_ms', 'number', [], []),
    undo: () => Module.ccall('ap_undo', 'number', [], []) === 1,
    undoDepth: () => Module.ccall('ap_undo_depth', 'number', [], []),
    redo: () => Module.ccall('ap_redo', 'number', [], []) === 1,
    shareLink() {
      const base = location.href.split('#')[0];
      return base + '#s=' + toBase64Url(call('ap_get_scenario'));
    },
  };

  // Autosave: the scenario on screen goes to localStorage after every change; a reload restores it
  // (a share link in the URL wins over the saved state).
  const storageKey = 'attention-playground.scenario';
  let savedRevision = -1;
  Module.afterFrame = () => {
    const revision = Module.ccall('ap_revision', 'number', [], []);
    if (revision === savedRevision) return;
    savedRevision = revision;
    try { localStorage.setItem(storageKey, call('ap_get_scenario')); } catch (e) { /* storage full or disabled */ }
  };

  Module.onFirstFrame = () => {
    const status = document.getElementById('status');
    if (status) status.remove();
    const match = /#s=([A-Za-z0-9_-]+)/.exec(location.hash);
    let saved = null;
    try { saved = localStorage.getItem(storageKey); } catch (e) { /* storage disabled */ }
    if (match) {
      let result;
      try { result = window.playground.loadScenario(fromBase64Url(match[1])); }
      catch (e) { result = { ok: false, error: 'share link: ' + e.message }; }
      if (!result.ok) console.warn('share link not loaded: ' + result.error);
    } else if (saved) {
      const result = window.playground.loadScenario(saved);
      if (!result.ok) console.warn('saved scenario not restored: ' + result.error);
    }
    // Two more animation frames so the restored scenario is on screen before `ready` resolves.
    requestAnimationFrame(() => requestAnimationFrame(() => resolveReady()));
  };
  Module.print = (text) => console.log(text);
  Module.printErr = (text) => console.warn(text);
})();
