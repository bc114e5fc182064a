// Cell addressing (see scenario_cells.hpp).
#include "core/scenario_cells.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace ap::core {

namespace {

bool is_vector(const std::string& m) {
  return m == "b_q" || m == "b_k" || m == "b_v" || m == "b_o" || m == "mask.key_valid" || m == "sinks";
}

Matrix* matrix_of(Scenario& s, const std::string& m) {
  if (m == "x") return &s.query.x;
  if (m == "context.x") return s.context ? &s.context->x : nullptr;
  if (m == "w_q") return &s.w_q;
  if (m == "w_k") return &s.w_k;
  if (m == "w_v") return &s.w_v;
  if (m == "w_o") return &s.w_o;
  if (m == "positional.learned") return s.positional.kind == PositionalKind::learned ? &s.positional.learned : nullptr;
  return nullptr;
}

RowVector* vector_of(Scenario& s, const std::string& m) {
  if (m == "b_q") return &s.b_q;
  if (m == "b_k") return &s.b_k;
  if (m == "b_v") return &s.b_v;
  if (m == "b_o") return &s.b_o;
  if (m == "sinks") return s.variants.sinks ? &*s.variants.sinks : nullptr;
  return nullptr;
}

[[noreturn]] void no_such_cell(const CellAddress& c) { throw InputError(c.name(), "this scenario has no such cell"); }

// Where the number lives: a double, or a 0/1 byte of a mask.
struct Slot {
  double* number = nullptr;
  std::uint8_t* flag = nullptr;
};

Slot slot(Scenario& s, const CellAddress& c) {
  if (c.row < 0 || c.col < 0) no_such_cell(c);
  if (Matrix* m = matrix_of(s, c.matrix)) {
    if (c.row >= m->rows() || c.col >= m->cols()) no_such_cell(c);
    return {&(*m)(c.row, c.col), nullptr};
  }
  if (RowVector* v = vector_of(s, c.matrix)) {
    if (c.row != 0 || c.col >= v->cols()) no_such_cell(c);
    return {&(*v)(c.col), nullptr};
  }
  if (c.matrix == "mask.allow" && s.mask.allow) {
    if (c.row >= s.mask.allow->rows() || c.col >= s.mask.allow->cols()) no_such_cell(c);
    return {nullptr, &(*s.mask.allow)(c.row, c.col)};
  }
  if (c.matrix == "mask.key_valid" && s.mask.key_valid) {
    if (c.row != 0 || c.col >= static_cast<int>(s.mask.key_valid->size())) no_such_cell(c);
    return {nullptr, &(*s.mask.key_valid)[static_cast<std::size_t>(c.col)]};
  }
  no_such_cell(c);
}

}  // namespace

std::string CellAddress::name() const {
  if (is_vector(matrix)) return matrix + "[" + std::to_string(col) + "]";
  return matrix + "[" + std::to_string(row) + "][" + std::to_string(col) + "]";
}

double read_cell(const Scenario& s, const CellAddress& cell) {
  const Slot where = slot(const_cast<Scenario&>(s), cell);  // only read here
  return where.number ? *where.number : static_cast<double>(*where.flag);
}

void check_cell(const Scenario& s, const CellAddress& cell, double value) {
  const Slot where = slot(const_cast<Scenario&>(s), cell);  // only looked at
  if (where.number && !std::isfinite(value)) throw InputError(cell.name(), "expected a finite number");
  // a sink logit beyond float's range would turn into ±∞ in the float backends (SPEC §1b: refused up front)
  if (cell.matrix == "sinks" && std::fabs(value) > static_cast<double>(std::numeric_limits<float>::max()))
    throw InputError(cell.name(), "expected a finite number within float's range (±3.4e38)");
  if (where.flag && value != 0 && value != 1) throw InputError(cell.name(), "expected 0 (masked) or 1 (may attend)");
}

void write_cell(Scenario& s, const CellAddress& cell, double value) {
  check_cell(s, cell, value);
  const Slot where = slot(s, cell);
  if (where.number) *where.number = value;
  else *where.flag = static_cast<std::uint8_t>(value);
}

}  // namespace ap::core
