// Reading the tests' data files by name (golden cases, malformed inputs). Plain std::ifstream, so it
// works the same natively and under node with NODERAWFS; folders come from compile definitions.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ap::test {

inline std::string read_text_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace ap::test
