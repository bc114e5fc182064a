// WebGPU for the module, loaded with --pre-js (src/gpu/CMakeLists.txt), so it runs before the module starts.
// 1. Emscripten 3.1.6's WebGPU library (library_webgpu.js) predates today's API. The only two calls of it
//    the GPU backend (src/gpu) needs that today's browsers dropped are adapted here, and nowhere else:
//      - GPUComputePassEncoder.dispatch(x, y, z)   → dispatchWorkgroups (renamed in 2022)
//      - createComputePipeline({layout: undefined}) → layout: 'auto' (a pipeline needs one since 2022)
// 2. The page asks for the adapter and the device and hands the device to the module before main()
//    (Module.preinitializedWebGPUDevice, read by emscripten_webgpu_get_device()). Without one,
//    Module.webgpuNote says why, and the module computes on the CPU.
// tests/browser/webgpu.test.mjs checks the patches against stand-ins in node and in the browser.

// Patches the WebGPU classes of `g` (window); returns the names of the patches it applied.
function apInstallWebGPUShim(g) {
  var applied = [];
  var pass = g.GPUComputePassEncoder && g.GPUComputePassEncoder.prototype;
  if (pass && !pass.dispatch && pass.dispatchWorkgroups) {
    pass.dispatch = function (x, y, z) { return this.dispatchWorkgroups(x, y, z); };
    applied.push('dispatch');
  }
  if (pass && !pass.dispatchIndirect && pass.dispatchWorkgroupsIndirect) {
    pass.dispatchIndirect = function (buffer, offset) { return this.dispatchWorkgroupsIndirect(buffer, offset); };
    applied.push('dispatchIndirect');
  }
  var device = g.GPUDevice && g.GPUDevice.prototype;
  if (device && device.createComputePipeline && !device.createComputePipeline.apShim) {
    var create = device.createComputePipeline;
    device.createComputePipeline = function (desc) {
      if (desc && desc.layout === undefined) desc = Object.assign({}, desc, { layout: 'auto' });
      return create.call(this, desc);
    };
    device.createComputePipeline.apShim = true;
    applied.push('layout auto');
  }
  return applied;
}

// Resolves to {device, adapter: "vendor architecture", note: ""} or, without WebGPU, {device: null, note: why}.
function apRequestWebGPUDevice(nav, timeoutMs) {
  if (!nav || !nav.gpu) return Promise.resolve({ device: null, note: 'this browser has no WebGPU (navigator.gpu is missing)' });
  var request = nav.gpu.requestAdapter().then(function (adapter) {
    if (!adapter) return { device: null, note: 'no WebGPU adapter (the browser offers WebGPU but no usable GPU)' };
    var info = adapter.info || {};
    var name = [info.vendor, info.architecture, info.device].filter(Boolean).join(' ');
    // The largest buffers the adapter allows: a trace's N × M matrices for all heads live in one each.
    var limits = {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    };
    return adapter.requestDevice({ requiredLimits: limits }).then(function (device) {
      return { device: device, adapter: name, note: '' };
    });
  }).catch(function (e) {
    return { device: null, note: 'requesting a WebGPU device failed: ' + (e && e.message ? e.message : e) };
  });
  var timeout = new Promise(function (resolve) {
    setTimeout(function () { resolve({ device: null, note: 'no WebGPU adapter within ' + timeoutMs / 1000 + ' s' }); }, timeoutMs);
  });
  return Promise.race([request, timeout]);
}

// Only on the page's own thread: the threaded build loads this file in its worker too (no document there).
if (typeof document !== 'undefined') apInstallWebGPUShim(typeof window !== 'undefined' ? window : globalThis);

if (typeof Module !== 'undefined' && typeof document !== 'undefined') {
  // Asked now, while the module downloads; main() waits for the answer (a run dependency).
  var apWebGPUDeviceRequest = apRequestWebGPUDevice(typeof navigator !== 'undefined' ? navigator : null, 5000);
  Module.preRun = [].concat(Module.preRun || []);
  Module.preRun.push(function () {
    addRunDependency('webgpu-device');
    apWebGPUDeviceRequest.then(function (r) {
      if (r.device) {
        Module.preinitializedWebGPUDevice = r.device;
        Module.webgpuAdapter = r.adapter;
      }
      Module.webgpuNote = r.note;
      removeRunDependency('webgpu-device');
    });
  });
}
