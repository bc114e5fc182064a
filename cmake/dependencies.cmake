# Third-party headers and libraries, all from Debian's packages (scripts/setup.sh installs them).
# Emscripten's sysroot does not search /usr/include, and adding all of it clashes with glibc, so each
# library is exposed through a build-tree folder holding links to just its own headers.
set(AP_DEPS_INCLUDE "${CMAKE_BINARY_DIR}/deps_include")
file(MAKE_DIRECTORY "${AP_DEPS_INCLUDE}")
foreach(dir catch2 nlohmann CLI stb)
  if(EXISTS "/usr/include/${dir}" AND NOT EXISTS "${AP_DEPS_INCLUDE}/${dir}")
    file(CREATE_LINK "/usr/include/${dir}" "${AP_DEPS_INCLUDE}/${dir}" SYMBOLIC)
  endif()
endforeach()

add_library(ap_deps INTERFACE)
target_include_directories(ap_deps SYSTEM INTERFACE "${AP_DEPS_INCLUDE}" /usr/include/eigen3)
# Eigen's own OpenMP/BLAS paths stay off: one thread, same code natively and in the browser.
target_compile_definitions(ap_deps INTERFACE EIGEN_DONT_PARALLELIZE)

# zlib (share links' DEFLATE): Debian's zlib1g natively. The web build compiles Debian's zlib source, which
# scripts/setup.sh unpacks into third_party/zlib (Emscripten's -sUSE_ZLIB would download a port); so does
# the fuzz build, so that libFuzzer sees inside it.
if(EMSCRIPTEN OR AP_BUILD_FUZZERS)
  set(AP_ZLIB_DIR "${PROJECT_SOURCE_DIR}/third_party/zlib")
  if(NOT EXISTS "${AP_ZLIB_DIR}/deflate.c")
    message(FATAL_ERROR "zlib sources are missing in third_party/zlib: run scripts/setup.sh")
  endif()
  add_library(ap_zlib STATIC)
  foreach(file adler32.c crc32.c deflate.c inflate.c inffast.c inftrees.c trees.c zutil.c)
    target_sources(ap_zlib PRIVATE "${AP_ZLIB_DIR}/${file}")
  endforeach()
  target_include_directories(ap_zlib SYSTEM PUBLIC "${AP_ZLIB_DIR}")
else()
  find_package(ZLIB REQUIRED)
  add_library(ap_zlib INTERFACE)
  target_link_libraries(ap_zlib INTERFACE ZLIB::ZLIB)
endif()

if(AP_BUILD_UI)
  set(AP_IMGUI_DIR "${PROJECT_SOURCE_DIR}/third_party/imgui")
  if(NOT EXISTS "${AP_IMGUI_DIR}/imgui.cpp")
    message(FATAL_ERROR "Dear ImGui sources are missing in third_party/imgui: run scripts/setup.sh")
  endif()
  # The core of Dear ImGui: all the panels (src/ui) need, and all its null-backend test needs (tests/ui). Not
  # imgui_demo.cpp: nothing shows ImGui's demo window, and it is about 35 s of compiling in each build.
  add_library(imgui_core STATIC
    "${AP_IMGUI_DIR}/imgui.cpp" "${AP_IMGUI_DIR}/imgui_draw.cpp" "${AP_IMGUI_DIR}/imgui_tables.cpp"
    "${AP_IMGUI_DIR}/imgui_widgets.cpp")
  target_include_directories(imgui_core SYSTEM PUBLIC "${AP_IMGUI_DIR}" "${PROJECT_SOURCE_DIR}/cmake/imgui")
  target_compile_definitions(imgui_core PUBLIC IMGUI_USER_CONFIG="ap_imconfig.h")
endif()
if(AP_BUILD_APP)
  # Its GLFW and OpenGL 3 / WebGL2 backends: the platform shells (src/app) only.
  add_library(imgui STATIC "${AP_IMGUI_DIR}/backends/imgui_impl_glfw.cpp" "${AP_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp")
  target_include_directories(imgui SYSTEM PUBLIC "${AP_IMGUI_DIR}/backends")
  target_link_libraries(imgui PUBLIC imgui_core)
  if(EMSCRIPTEN)
    target_link_options(imgui PUBLIC "-sUSE_GLFW=3" "-sUSE_WEBGL2=1" "-sFULL_ES3=1")
    # The backend's read-backs of state only it sets are answered without a round trip to the GPU process
    # (src/app/webgl_state_shadow.cpp says why); its setters of that state record what they set.
    target_sources(imgui PRIVATE "${PROJECT_SOURCE_DIR}/src/app/webgl_state_shadow.cpp")
    set_source_files_properties("${AP_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp" PROPERTIES COMPILE_DEFINITIONS
      "glGetIntegerv=ap_shadow_glGetIntegerv;glScissor=ap_shadow_glScissor;glBlendFuncSeparate=ap_shadow_glBlendFuncSeparate;glBlendEquation=ap_shadow_glBlendEquation;glBlendEquationSeparate=ap_shadow_glBlendEquationSeparate")
  else()
    find_package(glfw3 REQUIRED)
    find_package(OpenGL REQUIRED)
    target_link_libraries(imgui PUBLIC glfw OpenGL::GL ${CMAKE_DL_LIBS})
  endif()
endif()
