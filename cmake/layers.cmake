# One include view per layer, so a wrong-way include fails to compile.
# Each target sees only the source folders it may depend on (STYLE.md: core ← kernels ← gpu ← app,
# core ← io ← ui ← app, core ← kernels ← train ← cli): its include path is a build-tree folder holding
# links to just those folders.
function(ap_layer_view target)
  set(view "${CMAKE_BINARY_DIR}/layer_views/${target}")
  file(MAKE_DIRECTORY "${view}")
  foreach(layer IN LISTS ARGN)
    if(NOT EXISTS "${view}/${layer}")
      file(CREATE_LINK "${PROJECT_SOURCE_DIR}/src/${layer}" "${view}/${layer}" SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(${target} PRIVATE "${view}")
endfunction()

# Warnings on and fatal for our code only.
function(ap_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Werror
    -Wno-missing-field-initializers)  # partial aggregate init is how *_desc structs default (STYLE.md)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports -Wrestrict inside libstdc++'s std::string concatenation at -O3 (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
