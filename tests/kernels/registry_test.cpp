// The backend registry: names, lookups, and the refusal of an unknown backend.
#include <catch2/catch.hpp>

#include <set>

#include "core/error.hpp"
#include "core/scenario.hpp"
#include "kernels/registry.hpp"

TEST_CASE("registry: reference first, names unique, each one runnable") {
  const auto names = ap::kernels::backend_names();
  REQUIRE_FALSE(names.empty());
  CHECK(names.front() == "reference");
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  const auto s = ap::core::make_scenario(ap::core::Matrix::Identity(2, 2));
  for (const auto& name : names) {
    INFO(name);
    CHECK(ap::kernels::has_backend(name));
    CHECK(ap::kernels::run_backend(name, s).backend == name);
    if (name == "reference")
      CHECK(ap::kernels::make_float_kernel(name) == nullptr);
    else
      CHECK(ap::kernels::make_float_kernel(name)->name() == name);
  }
}

TEST_CASE("registry: an unknown backend is an InputError naming the backends") {
  CHECK_FALSE(ap::kernels::has_backend("cuda"));
  CHECK(ap::kernels::make_float_kernel("cuda") == nullptr);
  const auto s = ap::core::make_scenario(ap::core::Matrix::Identity(2, 2));
  try {
    ap::kernels::run_backend("cuda", s);
    FAIL("no exception");
  } catch (const ap::core::InputError& e) {
    CHECK(e.error.field == "backend");
    CHECK_THAT(e.error.message, Catch::StartsWith("unknown backend \"cuda\" (this build has reference"));
  }
}
