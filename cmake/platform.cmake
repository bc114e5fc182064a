# Compiler and linker flags that differ between the native and the web build.
if(EMSCRIPTEN)
  # WASM SIMD128 for the kernels; exceptions on (a throw otherwise aborts the module). Every object is
  # compiled for threads (-pthread: atomics, thread-safe malloc), so the one set of libraries links into both
  # pages: the threaded one (cross-origin isolated: computing on a worker) and the single-threaded one.
  add_compile_options(-msimd128 -fexceptions -pthread)
  add_link_options(-fexceptions -sALLOW_MEMORY_GROWTH=1)
  # The toolchain sets a plain `node`; ours must not fetch the .wasm by path (node 20's fetch can't).
  set(CMAKE_CROSSCOMPILING_EMULATOR "node;--no-experimental-fetch" CACHE STRING "" FORCE)
  set(AP_NODE_LINK_OPTIONS -sNODERAWFS=1 -sEXIT_RUNTIME=1 -sENVIRONMENT=node)
  # The test programs under node are linked without Binaryen's optimizer (an -O0 link of the -O3 objects, no
  # assertions, so they run the code the page runs): a wasm-opt pass over each of a dozen test programs took
  # most of the web build's time, and what the tests check is the compiled code, not its post-processing.
  set(AP_NODE_TEST_LINK_OPTIONS -O0 -sASSERTIONS=0)
  # For a node program whose kernels may start threads and that takes no arguments (the kernel tests): main on a worker.
  set(AP_NODE_THREAD_LINK_OPTIONS -pthread -sPROXY_TO_PTHREAD=1)
  # The workers attention-cli.js starts before main (src/CMakeLists.txt): the threads one `bench` may use in all.
  set(AP_NODE_CLI_THREADS 8)
else()
  # Natively the kernels use the build machine's vector unit (AVX2 + FMA: the machines here and in CI have them).
  add_compile_options(-mavx2 -mfma)
endif()

# The fast kernels (simd, tiled: src/kernels/simd.hpp) use AVX-512 natively when the build machine runs it
# (about 3× the AVX2 sgemm rate on the Zen 5 machines here). Like -march=native, a binary built so needs an
# AVX-512 machine; -DAP_AVX512=OFF builds them for AVX2 only. Only those sources get the flag.
set(AP_FAST_KERNEL_FLAGS "")
if(NOT EMSCRIPTEN AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  option(AP_AVX512 "Build the simd/tiled kernels for AVX-512 when the build machine has it" ON)
  if(AP_AVX512)
    include(CheckCXXSourceRuns)
    set(CMAKE_REQUIRED_FLAGS "-mavx512f")
    check_cxx_source_runs([=[
      #include <immintrin.h>
      int main() {
        if (!__builtin_cpu_supports("avx512f")) return 1;
        volatile float x = 2.0f;
        __m512 v = _mm512_fmadd_ps(_mm512_set1_ps(x), _mm512_set1_ps(x), _mm512_set1_ps(x));
        return _mm512_reduce_add_ps(v) == 96.0f ? 0 : 1;
      }]=] AP_BUILD_MACHINE_HAS_AVX512)
    unset(CMAKE_REQUIRED_FLAGS)
    if(AP_BUILD_MACHINE_HAS_AVX512)
      set(AP_FAST_KERNEL_FLAGS -mavx512f)
      if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_ps passthroughs, GCC bug 105593), as
        # "maybe" or, once inlined into a reduction, as certainly uninitialized; clang (the sanitize preset) still
        # checks these files
        list(APPEND AP_FAST_KERNEL_FLAGS -Wno-maybe-uninitialized -Wno-uninitialized)
      endif()
    endif()
  endif()
endif()
