// Scenario ⇄ binary buffer (see scenario_binary.hpp).
#include "io/scenario_binary.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "io/json_reader.hpp"
#include "io/scenario_json.hpp"

namespace ap::io {

using core::InputError;
using nlohmann::json;

namespace {

constexpr char magic[4] = {'A', 'P', 'S', 'B'};
constexpr std::uint32_t version = 1;

void put_u32(std::string& out, std::uint32_t v) {
  for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
}

std::uint32_t get_u32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  for (int b = 0; b < 4; ++b) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + b])) << (8 * b);
  return v;
}

void pad8(std::string& out) {
  while (out.size() % 8 != 0) out.push_back('\0');
}

// The fields that may hold a block, as JSON pointers.
const char* const block_fields[] = {"/x", "/context/x", "/w_q", "/w_k", "/w_v", "/w_o", "/positional/learned"};

const JsonArrayLimit* find_limit(const std::string& pattern) {
  for (const JsonArrayLimit& l : scenario_json_limits().arrays)
    if (l.path == pattern) return &l;
  return nullptr;
}

std::string limit_message(std::size_t max_items, const JsonArrayLimit* l) {
  return "more than " + std::to_string(max_items) + " " + (l ? std::string(l->items) : std::string("items")) +
         (l ? " (the limit of " + std::string(l->meaning) + ")" : std::string(" (the limit)"));
}

// A block of rows × cols numbers at `field` ("context.x") against the limits its JSON text is read under
// (scenario_json_limits), refused with the message the JSON reader gives at the row where it would stop.
void check_block_limits(const std::string& field, std::uint64_t rows, std::uint64_t cols) {
  const JsonLimits& limits = scenario_json_limits();
  const JsonArrayLimit* outer = find_limit(field);
  const JsonArrayLimit* inner = find_limit(field + "[]");
  const std::uint64_t max_rows = outer ? outer->max_items : limits.max_items_elsewhere;
  const std::uint64_t max_cols = inner ? inner->max_items : limits.max_items_elsewhere;
  if (cols > max_cols) throw InputError(field + "[0]", limit_message(max_cols, inner));
  // the JSON reader counts a matrix's numbers as it goes: row `over` holds the first number past the limit
  if (outer && outer->max_numbers > 0 && cols > 0) {
    const std::uint64_t over = outer->max_numbers / cols;
    if (rows > over && over < max_rows)
      throw InputError(field, "more than " + std::to_string(outer->max_numbers) + " numbers (the limit of one matrix)");
  }
  if (rows > max_rows) throw InputError(field, limit_message(max_rows, outer));
}

}  // namespace

std::string scenario_to_binary(const core::Scenario& s) {
  std::string out;
  scenario_to_binary(s, out);
  return out;
}

void scenario_to_binary(const core::Scenario& s, std::string& out) {
  std::vector<const core::Matrix*> blocks;
  const json header = scenario_to_json(s, [&](const core::Matrix& m) {
    blocks.push_back(&m);
    return json{{"$block", blocks.size() - 1}};
  });
  const std::string text = header.dump();
  std::size_t total = sizeof magic + 8 + text.size() + 8;
  for (const core::Matrix* m : blocks) total += 8 + static_cast<std::size_t>(m->size()) * sizeof(double);
  out.clear();
  out.reserve(total);  // one allocation (none when `out` already holds as much): a 12 MB layer is saved after every edit
  out.append(magic, sizeof magic);
  put_u32(out, version);
  put_u32(out, static_cast<std::uint32_t>(text.size()));
  out += text;
  pad8(out);
  for (const core::Matrix* m : blocks) {
    put_u32(out, static_cast<std::uint32_t>(m->rows()));
    put_u32(out, static_cast<std::uint32_t>(m->cols()));
    const std::size_t at = out.size(), bytes = static_cast<std::size_t>(m->size()) * sizeof(double);
    out.resize(at + bytes);
    std::memcpy(out.data() + at, m->data(), bytes);  // row-major doubles; the page and the desktop are little-endian
  }
}

core::Scenario scenario_from_binary(std::string_view in) {
  if (in.size() > max_binary_scenario_bytes)
    throw InputError("", "the binary scenario is " + std::to_string(in.size()) + " bytes, over the limit of " +
                             std::to_string(max_binary_scenario_bytes));
  if (in.size() < 12 || std::memcmp(in.data(), magic, sizeof magic) != 0)
    throw InputError("", "not a binary scenario (no APSB header)");
  if (get_u32(in, 4) != version) throw InputError("", "binary scenario version " + std::to_string(get_u32(in, 4)) + " is not 1");
  const std::size_t header_bytes = get_u32(in, 8);
  if (header_bytes > in.size() - 12) throw InputError("", "binary scenario: the header runs past the end");
  json doc = parse_json_text(in.substr(12, header_bytes), scenario_json_limits());
  std::size_t at = (12 + header_bytes + 7) / 8 * 8;
  // The blocks in order, each checked against what is left before anything of its size is kept.
  std::vector<std::string_view> blocks;
  while (at < in.size()) {
    if (in.size() - at < 8) throw InputError("", "binary scenario: a truncated block at byte " + std::to_string(at));
    const std::uint64_t rows = get_u32(in, at), cols = get_u32(in, at + 4);
    const std::uint64_t bytes = rows * cols * sizeof(double);
    if (bytes > in.size() - at - 8)
      throw InputError("", "binary scenario: block " + std::to_string(blocks.size()) + " (" + std::to_string(rows) + " × " +
                               std::to_string(cols) + ") runs past the end");
    blocks.push_back(in.substr(at, 8 + bytes));
    at += 8 + bytes;
  }
  for (const char* field : block_fields) {
    const json::json_pointer where(field);
    if (!doc.contains(where)) continue;
    json& value = doc[where];
    if (!value.is_object() || !value.contains("$block")) continue;
    const json& index = value["$block"];
    if (!index.is_number_unsigned() || index.get<std::uint64_t>() >= blocks.size())
      throw InputError(std::string(field + 1), "refers to a block the buffer does not have");
    const std::string_view block = blocks[index.get<std::size_t>()];
    std::string name(field + 1);  // "/context/x" → "context.x", as the JSON reader names it
    for (char& c : name)
      if (c == '/') c = '.';
    check_block_limits(name, get_u32(block, 0), get_u32(block, 4));
    value = json::binary(std::vector<std::uint8_t>(block.begin(), block.end()));  // read by read_matrix
  }
  return scenario_from_json(doc);
}

}  // namespace ap::io
