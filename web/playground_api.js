// window.playground (shared/SPEC.md §3): the page's test and scripting interface, over the module's
// exported C functions (src/app/main_web.cpp). Loaded with --pre-js, so it runs before the module starts.
var Module = typeof Module !== 'undefined' ? Module : {};
Module.canvas = document.getElementById('canvas');
Module.canvas.addEventListener('contextmenu', (e) => e.preventDefault());

(function () {
  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });
  // Text for the module: its UTF-8 bytes and their count. A NUL inside stays (the C++ readers refuse it by
  // position; a C string would end there). A lone surrogate, which UTF-8 cannot hold, becomes its three-byte
  // form (WTF-8), which the readers refuse as ill-formed and show as \xED..: Emscripten's stringToUTF8
  // would pair it with the next character, whatever that is, and so read another character.
  const encoder = new TextEncoder();
  const loneSurrogate = /([\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/;
  const utf8 = (text) => {
    if (!loneSurrogate.test(text)) return encoder.encode(text);
    const parts = text.split(loneSurrogate).map((part, i) => {
      if (i % 2 === 0) return encoder.encode(part);  // split with a group: odd parts are the surrogates
      const u = part.charCodeAt(0);
      return Uint8Array.of(0xE0 | (u >> 12), 0x80 | ((u >> 6) & 0x3F), 0x80 | (u & 0x3F));
    });
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => { bytes.set(p, at); return at + p.length; }, 0);
    return bytes;
  };
  // Strings go through the heap (ccall's 'string' copies onto the 5 MB stack at 4 bytes a character), as
  // bytes plus a terminating NUL; `use` gets the pointer and the count without the NUL.
  const withHeapString = (text, use) => {
    const bytes = utf8(String(text));
    const pointer = _malloc(bytes.length + 1);
    HEAPU8.set(bytes, pointer);
    HEAPU8[pointer + bytes.length] = 0;
    try { return use(pointer, bytes.length); } finally { _free(pointer); }
  };
  // Calls an exported function whose every argument is text, passed as (pointer, length) pairs.
  const call = (name, ...texts) => {
    const pairs = [];
    const next = (i) => {
      if (i === texts.length) return Module.ccall(name, 'string', pairs.map(() => 'number'), pairs);
      return withHeapString(texts[i], (pointer, length) => { pairs.push(pointer, length); return next(i + 1); });
    };
    return next(0);
  };
  const callJson = (name, ...args) => JSON.parse(call(name, ...args));

  // Resolves on the first animation frame at which check() is true (checked once a frame, never spinning).
  const untilFrame = (check) => new Promise((resolve, reject) => {
    const tick = () => {
      try {
        const value = check();
        if (value) resolve(value); else requestAnimationFrame(tick);
      } catch (e) { reject(e); }
    };
    tick();
  });

  window.playground = {
    ready,
    // Never throws: whatever it is given (undefined, a BigInt, a function, a circular object...), the answer
    // is {ok: true} or {ok: false, error}.
    loadScenario(jsonOrObject) {
      let text;
      try {
        text = typeof jsonOrObject === 'string' ? jsonOrObject : JSON.stringify(jsonOrObject);
      } catch (e) {
        return { ok: false, error: `expected a scenario (JSON text or an object), got one that JSON cannot hold (${e && e.message ? e.message : e})` };
      }
      if (typeof text !== 'string') {
        return { ok: false, error: `expected a scenario (JSON text or an object), got ${typeof jsonOrObject === 'undefined' ? 'undefined' : `a ${typeof jsonOrObject}`}` };
      }
      try {
        return callJson('ap_load_scenario', text);
      } catch (e) {
        return { ok: false, error: `the scenario could not be handed to the page (${e && e.message ? e.message : e})` };
      }
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
    // The WebGPU backend (src/gpu): a Promise that resolves once no GPU work is pending (then getTrace()
    // is the GPU's trace when `webgpu` is the backend), its status, and what the backend line shows.
    whenIdle: () => ready.then(() => untilFrame(() => Module.ccall('ap_busy', 'number', [], []) === 0)),
    webgpuStatus: () => callJson('ap_webgpu_status'),
    computeInfo: () => callJson('ap_compute_info'),
    // "auto", "weighted_sum" or "flash": which WGSL kernel computes the outputs (from the next compute).
    setWebGPUOutputKernel: (name) => callJson('ap_gpu_set_output_kernel', String(name)),
    // Times each WGSL kernel alone, and CPU backends on the same inputs: resolves to rows
    // {kernel, n, d_k, heads, ms_median, ms_min, batch, gflops}. options: {n, d_k, heads, repeat, cpu_backends}.
    benchWebGPU(options = {}) {
      const started = callJson('ap_gpu_bench_start', JSON.stringify(options));
      if (!started.ok) return Promise.reject(new Error(started.error));
      return untilFrame(() => JSON.parse(call('ap_gpu_bench_poll'))).then((r) => {
        if (r.error) throw new Error(r.error);
        return r.rows;
      });
    },
    // The scenario on screen as a link of the form index.html#s=... (SPEC §3): 's=z.' + base64url of its
    // deflated JSON (src/io/share_link.hpp).
    shareLink() {
      return Module.pageAddress() + '#' + call('ap_share_fragment');
    },
    // The last file the page offered as a download ({name, mime, size}), for scripts that cannot see downloads.
    lastDownload: () => lastDownload,
  };

  // [SECTION] What the module asks of the page (src/app/platform_requests_web.cpp) and what the page hands it.
  // The page's address without a fragment, naming index.html (share links are "index.html#s=...").
  Module.pageAddress = () => {
    const url = new URL(location.href);
    url.hash = '';
    if (url.pathname.endsWith('/')) url.pathname += 'index.html';
    return url.href;
  };
  let lastDownload = null;
  Module.saveFile = (name, mime, bytes) => {
    const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    lastDownload = { name, mime, size: bytes.length };
  };
  Module.copyText = (text) => {
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(() => {});
  };
  const giveFile = (file) => file.arrayBuffer().then((buffer) => {
    const bytes = new Uint8Array(buffer);
    const dataPointer = _malloc(Math.max(1, bytes.length));
    HEAPU8.set(bytes, dataPointer);
    try {
      withHeapString(file.name, (namePointer) =>
        Module.ccall('ap_file_arrived', null, ['number', 'number', 'number'], [namePointer, dataPointer, bytes.length]));
    } finally {
      _free(dataPointer);
    }
  });
  const picker = document.createElement('input');
  picker.type = 'file';
  picker.accept = '.json,.npy,application/json';
  picker.style.display = 'none';
  picker.addEventListener('change', () => {
    if (picker.files.length) giveFile(picker.files[0]);
    picker.value = '';
  });
  Module.pickFile = () => {
    if (!picker.isConnected) document.body.appendChild(picker);
    picker.click();
  };
  // Drop a .json (a scenario) or a .npy (a matrix) anywhere on the page.
  window.addEventListener('dragover', (e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    for (const file of e.dataTransfer.files) giveFile(file);
  });
  // Ctrl+V anywhere: the text goes into the grid cell last clicked (ui/imports.cpp).
  document.addEventListener('paste', (e) => {
    const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    if (!text) return;
    e.preventDefault();
    withHeapString(text, (pointer, length) => Module.ccall('ap_paste_text', null, ['number', 'number'], [pointer, length]));
  });

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
    const match = /^#([sz]=[A-Za-z0-9_.-]*)/.exec(location.hash);
    let saved = null;
    try { saved = localStorage.getItem(storageKey); } catch (e) { /* storage disabled */ }
    if (match) {
      const result = callJson('ap_load_share_fragment', match[1]);
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
