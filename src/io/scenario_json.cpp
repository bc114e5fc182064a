// Scenario JSON: read field by field in dependency order (x fixes N and d_model, heads fixes d_k, ...),
// checking each size against core/limits.hpp before the matrix of that size is built.
#include "io/scenario_json.hpp"

#include <cmath>
#include <limits>
#include <set>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "io/json_reader.hpp"

namespace ap::io {

using core::InputError;
using nlohmann::json;
namespace limits = core::limits;

namespace {

void reject_unknown_fields(const json& object, const std::string& where, const std::set<std::string>& known) {
  for (const auto& item : object.items()) {
    if (known.count(item.key())) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    // The key is the user's text: quote it as describe_json_value does (short, escaped), without the quotes.
    const std::string quoted = describe_json_value(json(item.key()));
    const std::string name = quoted.substr(1, quoted.size() - 2);
    throw InputError(where.empty() ? name : where + "." + name, "unknown field (known: " + list + ")");
  }
}

std::vector<std::string> read_tokens(const json* j, const std::string& field, long long count,
                                     const std::string& x_field) {
  if (!j) return core::default_token_labels(static_cast<int>(count));
  if (!j->is_array()) throw InputError(field, "expected an array of labels, got " + describe_json_value(*j));
  if (static_cast<long long>(j->size()) != count)
    throw InputError(field, "expected " + std::to_string(count) + (count == 1 ? " label" : " labels") +
                                " (one per row of " + x_field + "), got " +
                                std::to_string(j->size()));
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < j->size(); ++i) {
    const json& label = (*j)[i];
    if (!label.is_string()) throw InputError(item_name(field, i), "expected a string, got " + describe_json_value(label));
    labels.push_back(label.get<std::string>());
  }
  return labels;
}

const json* find(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

core::Sequence read_sequence(const json* x, const json* tokens, const std::string& prefix, long long d_model) {
  const std::string field = prefix + "x";
  if (!x) throw InputError(field, "is required (the token vectors, one row per token)");
  core::Sequence s;
  s.x = read_matrix(*x, field, -1, d_model, limits::max_tokens, limits::max_d_model, "", "d_model");
  s.tokens = read_tokens(tokens, prefix + "tokens", s.x.rows(), field);
  return s;
}

core::Scale read_scale(const json& j) {
  core::Scale scale;
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "inv_sqrt_dk") return scale;
    if (s == "none") { scale.kind = core::ScaleKind::none; return scale; }
    throw InputError("scale", "unknown scale " + describe_json_value(j) + " (expected \"inv_sqrt_dk\", \"none\" or a number)");
  }
  if (!j.is_number())
    throw InputError("scale", "expected \"inv_sqrt_dk\", \"none\" or a number, got " + describe_json_value(j));
  scale.kind = core::ScaleKind::multiplier;
  scale.multiplier = read_number(j, "scale");
  return scale;
}

constexpr const char* mask_forms =
    "expected \"none\", \"causal\", {\"window\": w}, an N × M matrix of 0/1, or an object of "
    "{\"causal\", \"window\", \"allow\", \"key_valid\"}";

core::MaskSpec read_mask(const json& j, long long n, long long m) {
  core::MaskSpec mask;
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "none") return mask;
    if (s == "causal") { mask.causal = core::CausalAlign::top_left; return mask; }
    throw InputError("mask", "unknown mask " + describe_json_value(j) + " (" + mask_forms + ")");
  }
  if (j.is_array()) {
    mask.allow = read_mask_matrix(j, "mask", n, m);
    return mask;
  }
  if (!j.is_object()) throw InputError("mask", std::string(mask_forms) + ", got " + describe_json_value(j));
  reject_unknown_fields(j, "mask", {"causal", "window", "allow", "key_valid"});
  if (const json* c = find(j, "causal")) {
    const std::string v = c->is_string() ? c->get<std::string>() : "";
    if (v == "top_left") mask.causal = core::CausalAlign::top_left;
    else if (v == "bottom_right") mask.causal = core::CausalAlign::bottom_right;
    else throw InputError("mask.causal", "expected \"top_left\" or \"bottom_right\", got " + describe_json_value(*c));
  }
  if (const json* w = find(j, "window")) {
    mask.window = static_cast<int>(read_integer(*w, "mask.window", 1, limits::max_tokens));
    if (mask.causal == core::CausalAlign::none) mask.causal = core::CausalAlign::top_left;  // a window is causal
  }
  if (const json* a = find(j, "allow")) mask.allow = read_mask_matrix(*a, "mask.allow", n, m);
  if (const json* k = find(j, "key_valid")) {
    if (!k->is_array()) throw InputError("mask.key_valid", "expected an array of 0/1, got " + describe_json_value(*k));
    if (static_cast<long long>(k->size()) != m)
      throw InputError("mask.key_valid", "expected " + std::to_string(m) + " entries (one per key), got " +
                                             std::to_string(k->size()));
    std::vector<std::uint8_t> valid;
    for (std::size_t i = 0; i < k->size(); ++i) valid.push_back(read_flag((*k)[i], item_name("mask.key_valid", i)));
    mask.key_valid = std::move(valid);
  }
  return mask;
}

constexpr const char* positional_forms =
    "expected \"none\", \"sinusoidal\", \"rope\", {\"rope\": {\"base\", \"pairing\"}} or {\"learned\": P × d_model}";

core::Positional read_positional(const json& j, long long n, long long m, long long d_model) {
  core::Positional p;
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "none") return p;
    if (s == "sinusoidal") { p.kind = core::PositionalKind::sinusoidal; return p; }
    if (s == "rope") { p.kind = core::PositionalKind::rope; return p; }
    throw InputError("positional", "unknown positional encoding " + describe_json_value(j) + " (" + positional_forms + ")");
  }
  if (!j.is_object())
    throw InputError("positional", std::string(positional_forms) + ", got " + describe_json_value(j));
  if (j.size() != 1)
    throw InputError("positional", "expected an object with one field, \"rope\" or \"learned\", got " +
                                       std::to_string(j.size()) + " fields");
  if (const json* r = find(j, "rope")) {
    p.kind = core::PositionalKind::rope;
    if (!r->is_object()) throw InputError("positional.rope", "expected {\"base\", \"pairing\"}, got " + describe_json_value(*r));
    reject_unknown_fields(*r, "positional.rope", {"base", "pairing"});
    if (const json* b = find(*r, "base")) p.rope_base = read_number(*b, "positional.rope.base");
    if (const json* pr = find(*r, "pairing")) {
      const std::string v = pr->is_string() ? pr->get<std::string>() : "";
      if (v == "interleaved") p.rope_pairing = core::RopePairing::interleaved;
      else if (v == "half") p.rope_pairing = core::RopePairing::half;
      else throw InputError("positional.rope.pairing", "expected \"interleaved\" or \"half\", got " + describe_json_value(*pr));
    }
    return p;
  }
  if (const json* l = find(j, "learned")) {
    p.kind = core::PositionalKind::learned;
    const long long needed = std::max(n, m);
    if (l->is_array() && static_cast<long long>(l->size()) < needed)
      throw InputError("positional.learned", "expected at least " + std::to_string(needed) +
                                                 " rows (one per position), got " + std::to_string(l->size()));
    p.learned = read_matrix(*l, "positional.learned", -1, d_model, limits::max_tokens, limits::max_d_model, "", "d_model");
    return p;
  }
  reject_unknown_fields(j, "positional", {"learned", "rope"});
  return p;
}

core::Precision read_precision(const json& j) {
  const std::string v = j.is_string() ? j.get<std::string>() : "";
  if (v == "fp32") return core::Precision::fp32;
  if (v == "fp16") return core::Precision::fp16;
  if (v == "bf16") return core::Precision::bf16;
  throw InputError("precision", "expected \"fp32\", \"fp16\" or \"bf16\", got " + describe_json_value(j));
}

double read_mask_fill(const json& j) {
  if (j.is_string() && j.get<std::string>() == "-inf") return -std::numeric_limits<double>::infinity();
  if (!j.is_number())
    throw InputError("mask_fill", "expected \"-inf\" or a finite number (what a masked score becomes), got " +
                                      describe_json_value(j));
  return read_number(j, "mask_fill");
}

// SPEC §1b fields that depend on heads only (kv_heads is read earlier: the weights' widths depend on it).
void read_variants(const json& doc, core::Scenario& s) {
  core::Variants& v = s.variants;
  if (const json* a = find(doc, "alibi")) {
    if (!a->is_boolean()) throw InputError("alibi", "expected true or false, got " + describe_json_value(*a));
    v.alibi = a->get<bool>();
  }
  if (const json* c = find(doc, "softcap")) {
    if (!c->is_number()) throw InputError("softcap", "expected a number greater than 0, got " + describe_json_value(*c));
    v.softcap = read_number(*c, "softcap");
  }
  if (const json* k = find(doc, "sinks")) v.sinks = read_vector(*k, "sinks", s.heads, "one sink logit per head");
  if (const json* f = find(doc, "mask_fill")) v.mask_fill = read_mask_fill(*f);
  if (const json* p = find(doc, "precision")) v.precision = read_precision(*p);
}

}  // namespace

core::Scenario scenario_from_json(const json& doc) {
  if (!doc.is_object()) throw InputError("", "expected a scenario object, got " + describe_json_value(doc));
  reject_unknown_fields(doc, "", {"version", "tokens", "x", "context", "heads", "d_k", "d_v", "w_q", "w_k", "w_v",
                                  "w_o", "b_q", "b_k", "b_v", "b_o", "scale", "mask", "positional", "kv_heads", "alibi",
                                  "softcap", "sinks", "mask_fill", "precision", "d_output"});
  const json* version = find(doc, "version");
  if (!version) throw InputError("version", "is required (1)");
  if (!version->is_number() || version->get<double>() != 1.0)
    throw InputError("version", "expected 1 (the only version this build reads), got " + describe_json_value(*version));

  core::Scenario s;
  s.query = read_sequence(find(doc, "x"), find(doc, "tokens"), "", -1);
  const long long d_model = s.query.x.cols();
  if (const json* c = find(doc, "context")) {
    if (!c->is_object()) throw InputError("context", "expected {\"tokens\", \"x\"}, got " + describe_json_value(*c));
    reject_unknown_fields(*c, "context", {"tokens", "x"});
    s.context = read_sequence(find(*c, "x"), find(*c, "tokens"), "context.", d_model);
  }
  const long long n = s.n(), m = s.m();

  const json* heads = find(doc, "heads");
  s.heads = heads ? static_cast<int>(read_integer(*heads, "heads", 1, limits::max_heads)) : 1;
  if (const json* dk = find(doc, "d_k")) {
    s.d_k = static_cast<int>(read_integer(*dk, "d_k", 1, limits::max_head_width));
  } else {
    if (d_model % s.heads != 0)
      throw InputError("heads", std::to_string(s.heads) + " heads do not divide d_model " + std::to_string(d_model) +
                                    " (give d_k explicitly, or choose heads that divide it)");
    s.d_k = static_cast<int>(d_model / s.heads);
  }
  const json* dv = find(doc, "d_v");
  s.d_v = dv ? static_cast<int>(read_integer(*dv, "d_v", 1, limits::max_head_width)) : s.d_k;
  core::validate_dimensions(static_cast<int>(n), static_cast<int>(m), static_cast<int>(d_model), s.heads, s.d_k, s.d_v);
  if (const json* g = find(doc, "kv_heads")) {
    s.variants.kv_heads = static_cast<int>(read_integer(*g, "kv_heads", 1, limits::max_heads));
    core::validate_kv_heads(s.heads, s.variants.kv_heads);
  }

  const long long hk = static_cast<long long>(s.heads) * s.d_k, hv = static_cast<long long>(s.heads) * s.d_v;
  const long long gk = static_cast<long long>(s.kv_heads()) * s.d_k, gv = static_cast<long long>(s.kv_heads()) * s.d_v;
  const char* gk_meaning = s.variants.kv_heads ? "kv_heads·d_k" : "heads·d_k";
  const char* gv_meaning = s.variants.kv_heads ? "kv_heads·d_v" : "heads·d_v";
  const auto weight = [&](const char* key, long long rows, long long cols, const char* rows_meaning,
                          const char* cols_meaning) {
    const json* w = find(doc, key);
    if (!w) return core::identity_like(static_cast<int>(rows), static_cast<int>(cols));
    return read_matrix(*w, key, rows, cols, rows, cols, rows_meaning, cols_meaning);
  };
  s.w_q = weight("w_q", d_model, hk, "d_model", "heads·d_k");
  s.w_k = weight("w_k", d_model, gk, "d_model", gk_meaning);
  s.w_v = weight("w_v", d_model, gv, "d_model", gv_meaning);
  s.w_o = weight("w_o", hv, d_model, "heads·d_v", "d_model");
  const auto bias = [&](const char* key, long long size, const char* meaning) {
    const json* b = find(doc, key);
    return b ? read_vector(*b, key, size, meaning) : core::RowVector(core::RowVector::Zero(size));
  };
  s.b_q = bias("b_q", hk, "heads·d_k");
  s.b_k = bias("b_k", gk, gk_meaning);
  s.b_v = bias("b_v", gv, gv_meaning);
  s.b_o = bias("b_o", d_model, "d_model");

  if (const json* scale = find(doc, "scale")) s.scale = read_scale(*scale);
  if (const json* mask = find(doc, "mask")) s.mask = read_mask(*mask, n, m);
  if (const json* pos = find(doc, "positional")) s.positional = read_positional(*pos, n, m, d_model);
  read_variants(doc, s);
  if (const json* g = find(doc, "d_output"))  // the backward pass's G (attention-cli grad)
    s.d_output = read_matrix(*g, "d_output", n, d_model, n, d_model, "tokens", "d_model");
  core::validate_scenario(s);
  return s;
}

core::Scenario parse_scenario(std::string_view text) {
  return scenario_from_json(parse_json_text(text, limits::max_json_bytes, limits::max_json_depth));
}

json matrix_to_json(const core::Matrix& m) {
  json rows = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

json vector_to_json(const core::RowVector& v) {
  json a = json::array();
  for (Eigen::Index j = 0; j < v.cols(); ++j) a.push_back(v(j));
  return a;
}

json allow_to_json(const core::AllowMatrix& a) {
  json rows = json::array();
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index j = 0; j < a.cols(); ++j) row.push_back(static_cast<int>(a(i, j)));
    rows.push_back(std::move(row));
  }
  return rows;
}

json mask_to_json(const core::MaskSpec& mask) {
  if (mask.is_none()) return "none";
  const bool top_left = mask.causal == core::CausalAlign::top_left;
  if (top_left && mask.window == 0 && !mask.allow && !mask.key_valid) return "causal";
  if (top_left && mask.window > 0 && !mask.allow && !mask.key_valid) return {{"window", mask.window}};
  if (mask.causal == core::CausalAlign::none && mask.allow && !mask.key_valid) return allow_to_json(*mask.allow);
  json o = json::object();
  if (mask.causal != core::CausalAlign::none) o["causal"] = top_left ? "top_left" : "bottom_right";
  if (mask.window > 0) o["window"] = mask.window;
  if (mask.allow) o["allow"] = allow_to_json(*mask.allow);
  if (mask.key_valid) {
    json k = json::array();
    for (auto v : *mask.key_valid) k.push_back(static_cast<int>(v));
    o["key_valid"] = std::move(k);
  }
  return o;
}

json positional_to_json(const core::Positional& p, const MatrixEncoder& encode) {
  switch (p.kind) {
    case core::PositionalKind::none: return "none";
    case core::PositionalKind::sinusoidal: return "sinusoidal";
    case core::PositionalKind::learned: return {{"learned", encode(p.learned)}};
    case core::PositionalKind::rope:
      if (p.rope_base == 10000.0 && p.rope_pairing == core::RopePairing::interleaved) return "rope";
      return {{"rope", {{"base", p.rope_base},
                        {"pairing", p.rope_pairing == core::RopePairing::half ? "half" : "interleaved"}}}};
  }
  return "none";
}

// SPEC §1b fields: written only when present, so a scenario without them round-trips unchanged.
void variants_to_json(const core::Variants& v, json& doc) {
  if (v.kv_heads) doc["kv_heads"] = *v.kv_heads;
  if (v.alibi) doc["alibi"] = true;
  if (v.softcap) doc["softcap"] = *v.softcap;
  if (v.sinks) doc["sinks"] = vector_to_json(*v.sinks);
  if (v.mask_fill) {
    if (std::isfinite(*v.mask_fill)) doc["mask_fill"] = *v.mask_fill;
    else doc["mask_fill"] = "-inf";
  }
  if (v.precision) doc["precision"] = core::precision_name(*v.precision);
}

}  // namespace

json scenario_to_json(const core::Scenario& s) { return scenario_to_json(s, matrix_to_json); }

json scenario_to_json(const core::Scenario& s, const MatrixEncoder& encode) {
  json doc = json::object();
  doc["version"] = 1;
  doc["tokens"] = s.query.tokens;
  doc["x"] = encode(s.query.x);
  if (s.context) doc["context"] = {{"tokens", s.context->tokens}, {"x", encode(s.context->x)}};
  doc["heads"] = s.heads;
  doc["d_k"] = s.d_k;
  doc["d_v"] = s.d_v;
  doc["w_q"] = encode(s.w_q);
  doc["w_k"] = encode(s.w_k);
  doc["w_v"] = encode(s.w_v);
  doc["w_o"] = encode(s.w_o);
  doc["b_q"] = vector_to_json(s.b_q);
  doc["b_k"] = vector_to_json(s.b_k);
  doc["b_v"] = vector_to_json(s.b_v);
  doc["b_o"] = vector_to_json(s.b_o);
  switch (s.scale.kind) {
    case core::ScaleKind::inv_sqrt_dk: doc["scale"] = "inv_sqrt_dk"; break;
    case core::ScaleKind::none: doc["scale"] = "none"; break;
    case core::ScaleKind::multiplier: doc["scale"] = s.scale.multiplier; break;
  }
  doc["mask"] = mask_to_json(s.mask);
  doc["positional"] = positional_to_json(s.positional, encode);
  variants_to_json(s.variants, doc);
  if (s.d_output) doc["d_output"] = encode(*s.d_output);
  return doc;
}

std::string scenario_to_string(const core::Scenario& s, int indent) { return scenario_to_json(s).dump(indent); }

}  // namespace ap::io
