# Compiler and linker flags that differ between the native and the web build.
if(EMSCRIPTEN)
  # WASM SIMD128 for the kernels; exceptions on (a throw otherwise aborts the module).
  add_compile_options(-msimd128 -fexceptions)
  add_link_options(-fexceptions -sALLOW_MEMORY_GROWTH=1)
  # The toolchain sets a plain `node`; ours must not fetch the .wasm by path (node 20's fetch can't).
  set(CMAKE_CROSSCOMPILING_EMULATOR "node;--no-experimental-fetch" CACHE STRING "" FORCE)
  set(AP_NODE_LINK_OPTIONS -sNODERAWFS=1 -sEXIT_RUNTIME=1 -sENVIRONMENT=node)
else()
  # Natively the kernels use the build machine's vector unit (AVX2 + FMA: the machines here and in CI have them).
  add_compile_options(-mavx2 -mfma)
endif()
