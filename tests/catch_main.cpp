// Catch2's main(), compiled once into its own static library and linked into every test executable.
// Nothing else belongs here: tests live in the per-layer folders.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
