// A user-facing error: which field (with row/column when it is a matrix cell) and what is wrong.
// Formatted as SPEC §1 asks: `w_k[3][1]: expected a number, got "abc"`.
#pragma once

#include <string>
#include <utility>

namespace ap::core {

struct Error {
  std::string field;    // "w_k[3][1]", "mask.allow", "" for the whole document
  std::string message;  // "expected a number, got \"abc\""

  std::string what() const { return field.empty() ? message : field + ": " + message; }
};

// Thrown by the boundary (parsers, validators); caught where input enters, never inside the math.
struct InputError {
  Error error;
  explicit InputError(std::string field, std::string message) : error{std::move(field), std::move(message)} {}
};

}  // namespace ap::core
