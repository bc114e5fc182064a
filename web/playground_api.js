// window.playground (shared/SPEC.md §3): the page's test and scripting interface, over the module's
// exported C functions (src/app/main_web.cpp). Loaded with --pre-js, so it runs before the module starts.
// The threaded build loads this file in its compute worker too: everything here is for the page's thread only.
var Module = typeof Module !== 'undefined' ? Module : {};
if (typeof document !== 'undefined') (function () {
  Module.canvas = document.getElementById('canvas');
  Module.canvas.addEventListener('contextmenu', (e) => e.preventDefault());

  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });
  let started = false;
  ready.then(() => { started = true; });

  // The mouse wheel in GLFW's terms. Emscripten 3.1.6's GLFW hands ImGui a wheel event's raw deltaY: in pixels,
  // and positive downwards where GLFW's offsets are steps, positive upwards, so the wheel zoomed a heatmap the
  // wrong way at 100 times the speed. This listener, registered before Emscripten's (this file runs first),
  // counts steps as Emscripten's own getMouseWheelDelta does (100 px or 3 lines a step) and keeps the event.
  Module.canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    e.stopImmediatePropagation();
    if (!started) return;
    const pixelsPerStep = e.deltaMode === 1 ? 3 : e.deltaMode === 2 ? 0.1 : 100;
    Module.ccall('ap_mouse_wheel', null, ['number', 'number'], [-e.deltaX / pixelsPerStep, -e.deltaY / pixelsPerStep]);
  }, { capture: true, passive: false });
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
  // The heap as bytes. In the threaded build the compute worker can grow the memory; this thread's views are
  // then renewed before use (Emscripten's own code does the same through its GROWABLE_HEAP helpers).
  const heapU8 = () => {
    if (typeof wasmMemory !== 'undefined' && HEAPU8.buffer !== wasmMemory.buffer) updateGlobalBufferAndViews(wasmMemory.buffer);
    return HEAPU8;
  };
  // Strings go through the heap (ccall's 'string' copies onto the 5 MB stack at 4 bytes a character), as
  // bytes plus a terminating NUL; `use` gets the pointer and the count without the NUL.
  const withHeapString = (text, use) => {
    const bytes = utf8(String(text));
    const pointer = _malloc(bytes.length + 1);
    const heap = heapU8();
    heap.set(bytes, pointer);
    heap[pointer + bytes.length] = 0;
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
      // A large scenario goes over as one binary buffer (its matrices as float64 blocks, never printed or parsed
      // as text); anything unusual, or anything that throws on the way, takes the JSON path, whose messages name
      // the field, row and column.
      let fast = null;
      try { fast = binaryScenario(jsonOrObject); } catch (e) { fast = null; }
      if (fast) {
        try {
          return loadBinary(fast);
        } catch (e) {
          return { ok: false, error: `the scenario could not be handed to the page (${e && e.message ? e.message : e})` };
        }
      }
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
    // The training lab (SPEC §3): options as attention-cli train's, {task, steps, seed, layers, heads, d_model, scale, lr}.
    trainStart(config = {}) {
      let text;
      try { text = JSON.stringify(config); } catch (e) { text = undefined; }
      if (typeof text !== 'string') return { ok: false, error: 'trainStart: expected an object of options (those of attention-cli train)' };
      return callJson('ap_train_start', text);
    },
    trainState: () => callJson('ap_train_state'),
    trainStop: () => Module.ccall('ap_train_stop', null, [], []),
    presets: () => callJson('ap_presets'),
    loadPreset: (name) => callJson('ap_load_preset', String(name)),
    explain: (id) => callJson('ap_explain', String(id)),
    // (An addition to SPEC §3.) What the views show: {tab, head, steps: {query, stage, stage_id, stages, playing,
    // seconds_per_stage} (the Step through view), headView: {all_heads, focus_query, focus_key, lines, hidden, cutoff, per_query,
    // thumbnails: [{lines, hidden}]} (the Head view)}.
    viewState: () => callJson('ap_view_state'),
    // Stops the computation under way (the views keep the last result); recompute() starts it again.
    cancelCompute: () => Module.ccall('ap_cancel_compute', null, [], []),
    recompute: () => Module.ccall('ap_recompute', null, [], []),
    compareWithReference: () => Module.ccall('ap_compare_with_reference', null, [], []),
    // Resolves once the last autosave has been written (or has failed, saying so on screen).
    whenSaved: () => saving,
    // The last frames (up to 600): how long each took on this thread (ms, the module's frame: UI, GL calls, a
    // compute slice in the single-threaded build) and when it started (performance.now()).
    frameTimes: () => frameLog.slice(),
    getScenario: () => callJson('ap_get_scenario'),
    // getTrace(): the whole trace (SPEC §3); getTrace({rows: [0, 1, 1023]}): those query rows only (a large layer's
    // whole trace is hundreds of megabytes of JSON), as attention-cli run --rows prints them.
    getTrace: (options) => (options && options.rows ? callJson('ap_get_trace_rows', JSON.stringify(options.rows)) : callJson('ap_get_trace')),
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
    // (An addition to SPEC §3.) What the backend line shows: {backend, trace_backend, milliseconds, max_diff_vs_reference,
    // compared, comparing, computing, progress, cancelled, recorded_heads, note, heap_in_use (malloc's bytes in use)}.
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
    heapU8().set(bytes, dataPointer);
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

  // [SECTION] Fast loading: a scenario object (or a large JSON text) as the binary buffer of io/scenario_binary.hpp.
  const blockFields = [['x'], ['context', 'x'], ['w_q'], ['w_k'], ['w_v'], ['w_o'], ['positional', 'learned']];
  const fastLoadNumbers = 1 << 14;  // below this a scenario is small: the JSON path costs nothing
  const maxTextBytes = 64 << 20;  // a scenario text's limit (core/limits.hpp max_json_bytes): longer ones take the JSON path
  // JSON.stringify would call a toJSON: such a value goes as JSON, which says what it gives.
  const hasToJSON = (value) => typeof value.toJSON === 'function';
  // UTF-8 bytes of a string (a lone surrogate counts 3, as utf8() writes it).
  const utf8Length = (text) => {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;  // a surrogate pair counts 3 + 3 here, its four bytes at most 6
    }
    return n;
  };
  // A rectangular array of arrays of finite numbers as {rows, cols, data: Float64Array}, or null.
  const asBlock = (value) => {
    if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0]) || hasToJSON(value)) return null;
    const rows = value.length, cols = value[0].length;
    if (cols === 0) return null;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = value[i];
      if (!Array.isArray(row) || row.length !== cols || hasToJSON(row)) return null;
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) return null;
        data[i * cols + j] = v;
      }
    }
    return { rows, cols, data };
  };
  const binaryScenario = (input) => {
    let object = input;
    if (typeof input === 'string') {
      // short texts, and texts over the limit (the C++ reader refuses them by their size), go as they are
      if (input.length < 1 << 20 || input.length > maxTextBytes) return null;
      if (input.length > maxTextBytes / 3 && utf8Length(input) > maxTextBytes) return null;
      try { object = JSON.parse(input); } catch (e) { return null; }  // the C++ parser names the error
    }
    if (!object || typeof object !== 'object' || Array.isArray(object) || hasToJSON(object)) return null;
    const blocks = [];
    const header = Object.assign({}, object);
    let numbers = 0;
    for (const path of blockFields) {
      let parent = header;
      for (let k = 0; k < path.length - 1 && parent; k++) {
        const next = parent[path[k]];
        if (!next || typeof next !== 'object' || Array.isArray(next) || hasToJSON(next)) { parent = null; break; }
        parent[path[k]] = Object.assign({}, next);  // copies of the objects on the path: the caller's stays as it was
        parent = parent[path[k]];
      }
      if (!parent) continue;
      const key = path[path.length - 1];
      const block = asBlock(parent[key]);
      if (!block) continue;
      parent[key] = { $block: blocks.length };
      blocks.push(block);
      numbers += block.data.length;
    }
    if (numbers < fastLoadNumbers) return null;
    // What the header holds besides the blocks goes as JSON text; where that text would not be the one the JSON
    // path reads (a number JSON.parse made infinite, a lone surrogate, which the C++ reader names by its position
    // in the whole text), the whole scenario takes the JSON path.
    let unusual = false;
    const check = (key, value) => {
      if (loneSurrogate.test(key)) unusual = true;
      if (typeof value === 'number' && !Number.isFinite(value)) unusual = true;
      if (typeof value === 'string' && loneSurrogate.test(value)) unusual = true;
      return value;
    };
    let text;
    try { text = JSON.stringify(header, check); } catch (e) { return null; }
    if (unusual || typeof text !== 'string') return null;
    const headerBytes = new TextEncoder().encode(text);
    let size = (12 + headerBytes.length + 7) & ~7;
    for (const b of blocks) size += 8 + b.data.byteLength;
    const bytes = new Uint8Array(size);
    const view = new DataView(bytes.buffer);
    bytes.set([65, 80, 83, 66]);  // "APSB"
    view.setUint32(4, 1, true);
    view.setUint32(8, headerBytes.length, true);
    bytes.set(headerBytes, 12);
    let at = (12 + headerBytes.length + 7) & ~7;
    for (const b of blocks) {
      view.setUint32(at, b.rows, true);
      view.setUint32(at + 4, b.cols, true);
      new Float64Array(bytes.buffer, at + 8, b.data.length).set(b.data);
      at += 8 + b.data.byteLength;
    }
    return bytes;
  };
  const loadBinary = (bytes) => {
    const pointer = _malloc(Math.max(1, bytes.length));
    heapU8().set(bytes, pointer);
    try {
      return JSON.parse(Module.ccall('ap_load_scenario_binary', 'string', ['number', 'number'], [pointer, bytes.length]));
    } finally {
      _free(pointer);
    }
  };

  // [SECTION] Autosave: after every change the scenario goes to IndexedDB as one binary buffer (bit for bit, any
  // size the core allows); a reload restores it (a share link in the URL wins). Where IndexedDB is missing, a small
  // scenario goes to localStorage as JSON. A save that fails says so on the page.
  const storageKey = 'attention-playground.scenario';
  const smallJson = 1 << 20;  // bytes of binary below which localStorage also keeps a copy
  let database = null;
  const openDatabase = () => new Promise((resolve) => {
    if (!window.indexedDB) { resolve(null); return; }
    try {
      const request = indexedDB.open('attention-playground', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('autosave');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    } catch (e) { resolve(null); }
  });
  const storeGet = (key) => new Promise((resolve) => {
    if (!database) { resolve(undefined); return; }
    try {
      const request = database.transaction('autosave', 'readonly').objectStore('autosave').get(key);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(undefined);
    } catch (e) { resolve(undefined); }
  });
  const storePut = (key, value) => new Promise((resolve, reject) => {
    try {
      const transaction = database.transaction('autosave', 'readwrite');
      transaction.objectStore('autosave').put(value, key);
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error || new Error('the browser aborted the write'));
    } catch (e) { reject(e); }
  });
  const problem = (text) => withHeapString(text, (pointer, length) =>
    Module.ccall('ap_storage_problem', null, ['number', 'number'], [pointer, length]));
  let saving = Promise.resolve();
  let savedRevision = -1;
  let saveTimer = null;
  const saveNow = () => {
    saveTimer = null;
    const revision = Module.ccall('ap_scenario_revision', 'number', [], []);
    if (revision === savedRevision) return;
    savedRevision = revision;
    const savedAt = Date.now();
    const pointer = Module.ccall('ap_scenario_binary', 'number', [], []);
    const size = Module.ccall('ap_scenario_binary_size', 'number', [], []);
    if (!pointer || size === 0) {  // the status line says why
      problem('Not saved in the browser: the scenario could not be written. Save it as a file to keep it.');
      return;
    }
    const bytes = heapU8().slice(pointer, pointer + size);  // a copy: the heap may grow before the write
    try {
      if (size <= smallJson) {
        localStorage.setItem(storageKey, call('ap_get_scenario'));
        localStorage.setItem(storageKey + '.savedAt', String(savedAt));
      } else {
        localStorage.removeItem(storageKey);
      }
    } catch (e) { /* IndexedDB keeps it */ }
    if (!database) {
      if (size > smallJson) problem(`Not saved: this scenario (${(size / 1048576).toFixed(1)} MB) needs IndexedDB, which this browser does not offer here. Save it as a file.`);
      return;
    }
    saving = saving.then(() => storePut('scenario', { bytes: bytes.buffer, revision, savedAt }))
      .catch((e) => problem(`Not saved in the browser: ${e && e.message ? e.message : e}. Save it as a file to keep it.`));
  };
  // A small scenario is saved in the frame it changed (a reload right after an edit keeps it); a large one once a
  // burst of edits (typing, a drag) is over, since writing it costs a few milliseconds.
  const frameLog = [];
  let frameStart = 0;
  Module.beforeFrame = () => { frameStart = performance.now(); };
  const logFrame = () => {
    frameLog.push({ start: frameStart, ms: performance.now() - frameStart });
    if (frameLog.length > 600) frameLog.shift();
  };
  let restored = false;  // nothing is saved before the saved scenario is back (it would overwrite it)
  const autosaveTick = () => {
    if (!restored) return;
    const revision = Module.ccall('ap_scenario_revision', 'number', [], []);
    if (revision === savedRevision || saveTimer !== null) return;
    if (lastSize <= smallJson) { saveNow(); lastSize = Module.ccall('ap_scenario_binary_size', 'number', [], []); return; }
    saveTimer = setTimeout(() => { saveNow(); lastSize = Module.ccall('ap_scenario_binary_size', 'number', [], []); }, 300);
  };
  Module.afterFrame = () => {
    try { autosaveTick(); } finally { logFrame(); }  // the frame's time includes what autosave took
  };
  let lastSize = 0;

  Module.onFirstFrame = () => {
    const status = document.getElementById('status');
    if (status) status.remove();
    const match = /^#([sz]=[A-Za-z0-9_.-]*)/.exec(location.hash);
    const restore = async () => {
      database = await openDatabase();
      if (match) {
        const result = callJson('ap_load_share_fragment', match[1]);
        if (!result.ok) console.warn('share link not loaded: ' + result.error);
        return false;  // the link's scenario is saved like any change
      }
      const saved = await storeGet('scenario');
      let text = null, textAt = 0;
      try {
        text = localStorage.getItem(storageKey);
        textAt = Number(localStorage.getItem(storageKey + '.savedAt') || 0);
      } catch (e) { /* storage disabled */ }
      let result = null;
      if (saved && saved.bytes && (!text || saved.savedAt >= textAt)) result = loadBinary(new Uint8Array(saved.bytes));
      else if (text) result = window.playground.loadScenario(text);
      if (result && !result.ok) console.warn('saved scenario not restored: ' + result.error);
      return true;  // what is on screen now is what storage holds
    };
    restore().catch(() => false).then((fromStorage) => {
      restored = true;
      if (fromStorage) savedRevision = Module.ccall('ap_scenario_revision', 'number', [], []);
      // Two more animation frames so the restored scenario is on screen before `ready` resolves.
      requestAnimationFrame(() => requestAnimationFrame(() => resolveReady()));
    });
  };
  Module.print = (text) => console.log(text);
  Module.printErr = (text) => console.warn(text);
})();
