// Heatmap drawing (see heatmap.hpp). Zoomed out, the matrix is one texture, made once per content change
// (cells pooled by largest magnitude when the matrix is bigger than a texture may be, plus a small overview
// for when a cell is under a pixel); zoomed in, the visible cells are drawn one by one with their values.
// Sizes follow the font size, so the map is as crisp and as readable at devicePixelRatio 2 as at 1.
#include "ui/heatmap.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <imgui.h>
#include <imgui_internal.h>  // SetItemUsingMouseWheel: the wheel zooms a heatmap instead of scrolling the view

#include "io/export.hpp"
#include "ui/exchange.hpp"
#include "ui/format.hpp"
#include "ui/widget_rects.hpp"

namespace ap::ui {

namespace {

constexpr float cell_mode_min_px = 7;  // unscaled: below this side a cell is a texel, above it a rectangle
const ImU32 masked_color = IM_COL32(70, 70, 74, 255);
const ImU32 nonfinite_color = IM_COL32(255, 0, 220, 255);  // ±inf or NaN: impossible to miss

std::string label_at(const std::vector<std::string>* labels, int i) {
  if (labels && i < static_cast<int>(labels->size())) return (*labels)[static_cast<std::size_t>(i)];
  return std::to_string(i);
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * 0x100000001B3ULL + (h >> 29); }

template <class T>
std::uint64_t bits(T value) {
  std::uint64_t out = 0;
  std::memcpy(&out, &value, std::min(sizeof value, sizeof out));
  return out;
}

// Everything the texture, the colour range and the label widths depend on.
std::uint64_t content_key(const HeatmapCanvas& canvas, const HeatmapSpec& spec) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (std::uint64_t v : {std::uint64_t{canvas.revision}, bits(spec.values), bits(spec.values->rows()),
                          bits(spec.values->cols()), bits(spec.allowed), bits(spec.row_labels), bits(spec.col_labels),
                          std::uint64_t(spec.map), std::uint64_t(spec.range), bits(spec.user_lo), bits(spec.user_hi),
                          std::uint64_t(canvas.colors.palette), std::uint64_t(canvas.colors.weights_per_matrix),
                          std::uint64_t(canvas.colors.user_signed), bits(canvas.colors.signed_lo), bits(canvas.colors.signed_hi),
                          std::uint64_t(canvas.colors.user_weights), bits(canvas.colors.weights_max)})
    h = mix(h, v);
  return h;
}

bool is_allowed(const HeatmapSpec& spec, Eigen::Index i, Eigen::Index j) { return !spec.allowed || (*spec.allowed)(i, j); }

core::ColorKind color_kind(ColorMap map) { return map == ColorMap::diverging ? core::ColorKind::diverging : core::ColorKind::sequential; }

ImU32 value_color(const HeatmapSpec& spec, core::Palette palette, double v, double lo, double hi) {
  if (!std::isfinite(v)) return nonfinite_color;
  return colormap_color(spec.map, static_cast<float>(core::color_position(v, lo, hi, color_kind(spec.map))), palette);
}

constexpr int overview_side_max = 512;
constexpr long small_matrix_cells = 1L << 16;  // coloured at once, whatever the frame's budget

// Starts making the texture of the numbers now in spec (the range first unless it is fixed).
void start_texture(HeatmapState& st, const HeatmapSpec& spec, const core::ColorScaleSettings& colors, int max_side) {
  const int rows = static_cast<int>(spec.values->rows()), cols = static_cast<int>(spec.values->cols());
  st.pool = std::max(1, (std::max(rows, cols) + max_side - 1) / max_side);
  st.overview_pool = std::max(1, (std::max(rows, cols) + overview_side_max - 1) / overview_side_max);
  st.next_row = 0;
  st.scan_lo = st.scan_hi = 0;
  st.range = core::choose_color_range(color_kind(spec.map), spec.range, colors, spec.user_lo, spec.user_hi);
  st.phase = st.range.needs_scan ? 1 : 2;
  if (st.range.needs_scan) return;  // the old range stays drawn until the scan ends
  st.lo = st.range.lo;
  st.hi = st.range.hi;
}

// Phase 1 over rows [r0, r1): the largest and smallest allowed finite value.
void scan_rows(HeatmapState& st, const HeatmapSpec& spec, int r0, int r1) {
  const core::Matrix& m = *spec.values;
  for (int i = r0; i < r1; ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      const double v = m(i, j);
      if (!std::isfinite(v) || !is_allowed(spec, i, j)) continue;
      st.scan_lo = std::min(st.scan_lo, v);
      st.scan_hi = std::max(st.scan_hi, v);
    }
}

void finish_scan(HeatmapState& st, const HeatmapSpec& spec) {
  core::finish_color_range(st.range, color_kind(spec.map), st.scan_lo, st.scan_hi);
  st.lo = st.range.lo;
  st.hi = st.range.hi;
}

// Phase 2 over texel rows [t0, t1): each texel the colour of its block's largest-magnitude allowed cell (one strong
// weight is not averaged away when a matrix is pooled), masked blocks grey; the overview's cells likewise.
void fill_texel_rows(HeatmapCanvas& canvas, HeatmapState& st, const HeatmapSpec& spec, const std::string& name, int t0,
                     int t1) {
  const core::Matrix& m = *spec.values;
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols()), pool = st.pool;
  canvas.pixels.resize(static_cast<std::size_t>(t1 - t0) * st.tex_w);
  for (int ty = t0; ty < t1; ++ty)
    for (int tx = 0; tx < st.tex_w; ++tx) {
      double best = 0;
      bool any = false;
      for (int i = ty * pool; i < std::min(rows, (ty + 1) * pool); ++i)
        for (int j = tx * pool; j < std::min(cols, (tx + 1) * pool); ++j) {
          if (!is_allowed(spec, i, j)) continue;
          const double v = m(i, j);
          if (!any || !(std::fabs(v) <= std::fabs(best))) best = v;  // a NaN wins, so it stays visible
          any = true;
          double& o = st.overview[static_cast<std::size_t>(i / st.overview_pool) * st.overview_w + j / st.overview_pool];
          if (!std::isnan(o) && !(std::fabs(v) <= std::fabs(o))) o = v;  // the largest magnitude; a NaN stays
        }
      canvas.pixels[static_cast<std::size_t>(ty - t0) * st.tex_w + tx] = any ? value_color(spec, canvas.colors.palette, best, st.lo, st.hi) : masked_color;
    }
  canvas.textures->upload_rows(name, t0, t1 - t0, canvas.pixels.data());
}

// Advances the texture of `spec` within this frame's budget; the overview follows the full texture.
void advance_texture(HeatmapCanvas& canvas, HeatmapState& st, const HeatmapSpec& spec, const std::string& name) {
  const core::Matrix& m = *spec.values;
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
  const bool small = static_cast<long>(rows) * cols <= small_matrix_cells;
  while (st.phase != 0 && (small || canvas.cells_left > 0)) {
    const int band = small ? rows : std::max(1, static_cast<int>(canvas.cells_left / std::max(1, cols)));
    if (st.phase == 1) {
      const int r1 = std::min(rows, st.next_row + band);
      scan_rows(st, spec, st.next_row, r1);
      canvas.cells_left -= static_cast<long>(r1 - st.next_row) * cols;
      st.next_row = r1;
      if (r1 == rows) {
        finish_scan(st, spec);
        st.phase = 2;
        st.next_row = 0;
      }
      continue;
    }
    if (st.next_row == 0) {  // phase 2 begins: the texture's and the overview's shapes
      const int w = (cols + st.pool - 1) / st.pool, h = (rows + st.pool - 1) / st.pool;
      if (w != st.tex_w || h != st.tex_h) st.texture_ready = st.overview_ready = false;  // a new shape: nothing to show yet
      st.tex_w = w;
      st.tex_h = h;
      canvas.textures->allocate(name, st.tex_w, st.tex_h);
      st.overview_w = (cols + st.overview_pool - 1) / st.overview_pool;
      st.overview_h = (rows + st.overview_pool - 1) / st.overview_pool;
      st.overview.assign(static_cast<std::size_t>(st.overview_w) * st.overview_h, 0.0);
    }
    const int t0 = st.next_row / st.pool;
    const int t1 = std::min(st.tex_h, t0 + std::max(1, band / st.pool));
    fill_texel_rows(canvas, st, spec, name, t0, t1);
    canvas.cells_left -= static_cast<long>(std::min(rows, t1 * st.pool) - t0 * st.pool) * cols;
    st.next_row = t1 * st.pool;
    if (t1 == st.tex_h) {
      st.phase = 0;
      st.texture_ready = true;
      if (st.overview_pool > st.pool) {  // a smaller picture for a view where a cell is under a pixel
        canvas.textures->allocate(name + "#overview", st.overview_w, st.overview_h);
        canvas.pixels.resize(st.overview.size());
        for (std::size_t k = 0; k < st.overview.size(); ++k) canvas.pixels[k] = value_color(spec, canvas.colors.palette, st.overview[k], st.lo, st.hi);
        canvas.textures->upload_rows(name + "#overview", 0, st.overview_h, canvas.pixels.data());
        st.overview_ready = true;
      }
    }
  }
}

// The bar, its two ends' numbers, and under it the rule that chose them ("fixed 0 to 1"), also as the bar's tooltip.
void draw_legend(ImDrawList* dl, ImVec2 at, float height, float width, ColorMap map, core::Palette palette,
                 const HeatmapState& st) {
  const int steps = 24;
  for (int s = 0; s < steps; ++s) {
    const float t0 = static_cast<float>(s) / steps, t1 = static_cast<float>(s + 1) / steps;
    dl->AddRectFilled(ImVec2(at.x, at.y + height * (1 - t1)), ImVec2(at.x + width, at.y + height * (1 - t0)),
                      colormap_color(map, (t0 + t1) / 2, palette));
  }
  dl->AddRect(at, ImVec2(at.x + width, at.y + height), IM_COL32(120, 120, 120, 255));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const float font = ImGui::GetFontSize();
  dl->AddText(ImVec2(at.x + width + 4, at.y - 2), text, format_cell(st.hi).c_str());
  dl->AddText(ImVec2(at.x + width + 4, at.y + height - font), text, format_cell(st.lo).c_str());
  if (map == ColorMap::diverging && st.lo < 0 && st.hi > 0 && height >= 4 * font)  // zero is the middle colour
    dl->AddText(ImVec2(at.x + width + 4, at.y + height / 2 - font / 2), ImGui::GetColorU32(ImGuiCol_TextDisabled), "0");
  if (height >= 3 * font)  // room under the bar inside the map's box
    dl->AddText(ImGui::GetFont(), 0.8f * font, ImVec2(at.x, at.y + height + 2), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                st.range.short_legend.c_str());
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (mouse.x >= at.x && mouse.x < at.x + 4 * font && mouse.y >= at.y && mouse.y < at.y + height + font &&
      ImGui::IsWindowHovered())
    ImGui::SetTooltip("colours span %s to %s: %s", format_precise(st.lo).c_str(), format_precise(st.hi).c_str(),
                      st.range.legend.c_str());
}

// Text turned a quarter to the left, reading upwards from `bottom_left`: laid out flat at the corner of the
// clip rectangle (so ImGui's culling keeps every glyph), then its vertices rotated into place (ImGui 1.86
// draws no rotated text). It stays in the window's draw command, so it is clipped with the window.
void add_upright_text(ImDrawList* dl, ImVec2 bottom_left, ImU32 color, const std::string& text) {
  const ImVec2 corner = dl->GetClipRectMin();
  const int first = dl->VtxBuffer.Size;
  dl->AddText(corner, color, text.c_str());
  for (int v = first; v < dl->VtxBuffer.Size; ++v) {
    ImVec2& p = dl->VtxBuffer[v].pos;
    const float dx = p.x - corner.x, dy = p.y - corner.y;
    p = ImVec2(bottom_left.x + dy, bottom_left.y - dx);
  }
}

// "name" for files: the title up to its shape, letters and digits only.
std::string file_stem(const HeatmapSpec& spec) {
  std::string stem;
  const std::string& source = spec.title.empty() ? std::string(spec.id) : spec.title;
  for (char c : source.substr(0, source.find("  ("))) {
    if (std::isalnum(static_cast<unsigned char>(c))) stem += c;
    else if (!stem.empty() && stem.back() != '-') stem += '-';
  }
  while (!stem.empty() && stem.back() == '-') stem.pop_back();
  return stem.empty() ? "matrix" : stem;
}

// Right-click on the map: its picture, or its numbers.
void draw_export_menu(const HeatmapSpec& spec, ImVec2 min, ImVec2 max) {
  if (!ImGui::BeginPopupContextItem()) return;
  const std::string stem = file_stem(spec);
  // One context menu is open at a time, so its items have fixed widget ids.
  if (ImGui::Selectable("Save PNG")) request_capture(Rect{min.x, min.y, max.x - min.x, max.y - min.y}, stem + ".png");
  widget_rects().record_last_item("heatmap.menu.png");
  if (ImGui::Selectable("Save CSV")) request_save(stem + ".csv", "text/csv", io::matrix_to_csv(*spec.values));
  widget_rects().record_last_item("heatmap.menu.csv");
  if (ImGui::Selectable("Copy CSV")) request_copy(io::matrix_to_csv(*spec.values), stem + " as CSV");
  widget_rects().record_last_item("heatmap.menu.copy");
  ImGui::EndPopup();
}

// "[i][j]" after `prefix` in a reveal request → the cell; false when it names something else.
bool parse_cell(const std::string& request, const std::string& prefix, int& i, int& j) {
  if (request.compare(0, prefix.size(), prefix) != 0) return false;
  char tail = 0;
  return std::sscanf(request.c_str() + prefix.size(), "[%d][%d]%c", &i, &j, &tail) == 2;
}

// The part of the matrix on screen: its first row and column (fractional) and the cell side in pixels.
struct Window {
  double first_row = 0, first_col = 0;
  double rows = 0, cols = 0;  // how many cells fit (fractional)
  float cell = 1;
};

Window visible_window(HeatmapState& st, int rows, int cols, float cell_fit, float grid_w, float grid_h) {
  Window w;
  w.cell = cell_fit * st.zoom;
  w.rows = std::min<double>(rows, grid_h / w.cell);
  w.cols = std::min<double>(cols, grid_w / w.cell);
  if (st.center_row < 0) st.center_row = rows / 2.0;
  if (st.center_col < 0) st.center_col = cols / 2.0;
  st.center_row = std::clamp(st.center_row, w.rows / 2, rows - w.rows / 2);
  st.center_col = std::clamp(st.center_col, w.cols / 2, cols - w.cols / 2);
  w.first_row = st.center_row - w.rows / 2;
  w.first_col = st.center_col - w.cols / 2;
  return w;
}

}  // namespace

std::string fit_text(const std::string& text, float max_width) {
  constexpr std::size_t measured = 256;  // a label longer than this is cut before it is measured at all
  const char* begin = text.c_str();
  const std::size_t size = std::min(text.size(), measured);
  if (size == text.size() && ImGui::CalcTextSize(begin, begin + size).x <= max_width) return text;
  const float ellipsis = ImGui::CalcTextSize("…").x;
  std::size_t lo = 0, hi = size;  // the longest prefix [0, lo) known to fit with the ellipsis
  while (lo < hi) {
    const std::size_t mid = (lo + hi + 1) / 2;
    if (ImGui::CalcTextSize(begin, begin + mid).x + ellipsis <= max_width) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) --lo;  // whole UTF-8 characters
  return lo == 0 ? std::string() : text.substr(0, lo) + "…";
}

HeatmapHover draw_heatmap(HeatmapCanvas& canvas, const HeatmapSpec& spec) {
  HeatmapHover hover;
  const core::Matrix& m = *spec.values;
  const ImVec2 top = ImGui::GetCursorScreenPos();  // with the title: the picture "Save PNG" takes
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
  if (rows == 0 || cols == 0) {
    if (!spec.title.empty()) ImGui::TextUnformatted(spec.title.c_str());
    ImGui::TextDisabled("(empty)");
    return hover;
  }
  const float font = ImGui::GetFontSize();
  const float scale = font / 15.0f;
  HeatmapState& st = canvas.states[spec.id];
  const std::uint64_t key = content_key(canvas, spec);
  if (key != st.content_key) {  // new numbers: a new texture (over the next frames) and the labels' room
    st.content_key = key;
    start_texture(st, spec, canvas.colors, canvas.textures ? canvas.textures->max_side() : 4096);
    st.row_label_w = st.col_label_len = 0;
    for (int i = 0; i < rows && spec.axis_labels; ++i)
      st.row_label_w = std::max(st.row_label_w, ImGui::CalcTextSize(fit_text(label_at(spec.row_labels, i), 6.5f * font).c_str()).x);
    for (int j = 0; j < cols && spec.axis_labels; ++j)
      st.col_label_len = std::max(st.col_label_len, ImGui::CalcTextSize(fit_text(label_at(spec.col_labels, j), 6 * font).c_str()).x);
  }

  // Layout: the box that holds the whole matrix at zoom 1.
  const float row_label_w = spec.axis_labels ? st.row_label_w + 6 * scale : 0.0f;
  const float legend_w = spec.legend ? 4.5f * font : 0.0f;
  const float avail = std::max(4 * font, (spec.max_width > 0 ? spec.max_width : ImGui::GetContentRegionAvail().x) -
                                             row_label_w - legend_w);
  const float max_h = spec.max_height > 0 ? spec.max_height : std::max(avail, 14 * font);
  const float cell_fit = std::max(1e-3f, std::min({spec.max_cell * scale, avail / static_cast<float>(cols),
                                                   max_h / static_cast<float>(rows)}));
  const float grid_w = cell_fit * cols, grid_h = cell_fit * rows;
  const bool zoomable = cell_fit < 2.2f * font;  // at fit the values are not legible: zoom in to read them
  const float max_zoom = std::max(1.0f, 3.0f * font / cell_fit);

  // widgetRect on a cell: zoom in until it is legible and centre it (SPEC §3: off-screen cells are revealed).
  int reveal_i = -1, reveal_j = -1;
  const bool revealing = !spec.register_id.empty() &&
                         parse_cell(widget_rects().reveal(), spec.register_id, reveal_i, reveal_j) && reveal_i >= 0 &&
                         reveal_j >= 0 && reveal_i < rows && reveal_j < cols;
  if (revealing && zoomable) {
    st.zoom = std::max(st.zoom, std::min(max_zoom, 1.6f * font / cell_fit));
    st.center_row = reveal_i + 0.5;
    st.center_col = reveal_j + 0.5;
  }

  ImGui::PushID(spec.id);
  if (!spec.title.empty()) ImGui::TextUnformatted(spec.title.c_str());
  if (zoomable) {  // zoom controls beside the title
    const std::string base = spec.register_id.empty() ? std::string(spec.id) : spec.register_id;
    ImGui::SameLine();
    if (ImGui::SmallButton("-")) st.zoom /= 2;
    widget_rects().record_last_item(base + ".zoom_out");
    ImGui::SameLine(0, 2);
    if (ImGui::SmallButton("+")) st.zoom *= 2;
    widget_rects().record_last_item(base + ".zoom_in");
    ImGui::SameLine(0, 2);
    if (ImGui::SmallButton("fit")) st.zoom = 1;
    widget_rects().record_last_item(base + ".zoom_fit");
    ImGui::SameLine();
    ImGui::TextDisabled(st.zoom > 1.001f ? "×%.3g (wheel zooms, drag pans)" : "wheel to zoom", st.zoom);
  }
  st.zoom = std::clamp(st.zoom, 1.0f, max_zoom);
  Window w = visible_window(st, rows, cols, cell_fit, grid_w, grid_h);

  const bool upright = spec.axis_labels && st.col_label_len > w.cell - 2 * scale;
  const float header_h = !spec.axis_labels ? 0.0f : upright ? std::min(st.col_label_len, 6 * font) + 6 * scale : font + 4 * scale;
  const ImVec2 size(row_label_w + grid_w + legend_w, header_h + grid_h);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##map", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle);
  if (!spec.register_id.empty()) widget_rects().record_last_item(spec.register_id);
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  const ImVec2 grid(origin.x + row_label_w, origin.y + header_h);
  const ImVec2 grid_end(grid.x + grid_w, grid.y + grid_h);
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 mouse = io.MousePos;
  const bool mouse_in_grid = mouse.x >= grid.x && mouse.x < grid_end.x && mouse.y >= grid.y && mouse.y < grid_end.y;

  // The minimap (zoomed in only), under the legend: click or drag in it to move the view there.
  const float mini = legend_w - 0.5f * font;
  const ImVec2 mini_at(grid_end.x + 0.4f * font, grid.y + std::min(grid_h, 8 * font) + 1.5f * font);
  const bool show_minimap = spec.legend && st.zoom > 1.001f && mini_at.y + mini <= grid_end.y + 4 * font;
  const float mini_w = cols >= rows ? mini : mini * cols / rows, mini_h = cols >= rows ? mini * rows / cols : mini;
  if (show_minimap && active && ImGui::IsMouseDown(ImGuiMouseButton_Left) && mouse.x >= mini_at.x &&
      mouse.x < mini_at.x + mini_w && mouse.y >= mini_at.y && mouse.y < mini_at.y + mini_h) {
    st.center_col = (mouse.x - mini_at.x) / mini_w * cols;
    st.center_row = (mouse.y - mini_at.y) / mini_h * rows;
    w = visible_window(st, rows, cols, cell_fit, grid_w, grid_h);
  } else if (zoomable && hovered) {
    ImGui::SetItemUsingMouseWheel();
    if (io.MouseWheel != 0 && mouse_in_grid) {  // zoom about the cell under the mouse
      const double at_row = w.first_row + (mouse.y - grid.y) / w.cell, at_col = w.first_col + (mouse.x - grid.x) / w.cell;
      st.zoom = std::clamp(st.zoom * std::pow(1.25f, io.MouseWheel), 1.0f, max_zoom);
      const float cell = cell_fit * st.zoom;
      st.center_row = at_row - (mouse.y - grid.y) / cell + grid_h / cell / 2;
      st.center_col = at_col - (mouse.x - grid.x) / cell + grid_w / cell / 2;
      w = visible_window(st, rows, cols, cell_fit, grid_w, grid_h);
    }
  }
  const bool panning = active && st.zoom > 1.001f &&
                       ((spec.pan_with_left && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2)) ||
                        ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 2));
  if (panning) {
    st.center_col -= io.MouseDelta.x / w.cell;
    st.center_row -= io.MouseDelta.y / w.cell;
    w = visible_window(st, rows, cols, cell_fit, grid_w, grid_h);
  }
  if (revealing) {  // scroll the view so the cell is on screen
    const float cy = grid.y + static_cast<float>((reveal_i + 0.5 - w.first_row) * w.cell);
    const float cx = grid.x + static_cast<float>((reveal_j + 0.5 - w.first_col) * w.cell);
    const ImVec2 wmin = ImGui::GetWindowPos();
    const ImVec2 wmax(wmin.x + ImGui::GetWindowWidth(), wmin.y + ImGui::GetWindowHeight());
    if (cy < wmin.y + font || cy > wmax.y - 2 * font) ImGui::SetScrollFromPosY(cy - wmin.y, 0.5f);
    if (cx < wmin.x + font || cx > wmax.x - 2 * font) ImGui::SetScrollFromPosX(cx - wmin.x, 0.5f);
  }
  draw_export_menu(spec, top, ImVec2(origin.x + size.x, origin.y + size.y));
  ImGui::PopID();

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const int i0 = static_cast<int>(std::floor(w.first_row)), j0 = static_cast<int>(std::floor(w.first_col));
  const int i1 = std::min(rows, static_cast<int>(std::ceil(w.first_row + w.rows)));
  const int j1 = std::min(cols, static_cast<int>(std::ceil(w.first_col + w.cols)));
  const auto cell_min = [&](int i, int j) {
    return ImVec2(grid.x + static_cast<float>((j - w.first_col) * w.cell), grid.y + static_cast<float>((i - w.first_row) * w.cell));
  };
  const std::string texture_name = std::string(spec.id) + "#full";
  if (canvas.textures) advance_texture(canvas, st, spec, texture_name);
  else if (st.phase == 1) {  // no textures (a test without a store): only the range is needed
    scan_rows(st, spec, 0, rows);
    finish_scan(st, spec);
    st.phase = 0;
  }
  const auto uv = [](double cell, int pool, int count) {  // texture coordinate of a cell edge
    const int texels = (count + pool - 1) / pool;
    return static_cast<float>(cell / (static_cast<double>(texels) * pool));
  };

  dl->PushClipRect(grid, grid_end, true);
  if (w.cell >= cell_mode_min_px * scale || !canvas.textures) {
    // Zoomed in (or small): one rectangle per visible cell, the masked ones hatched, values where they fit.
    const float value_font = 0.85f * font;
    const float digit_w = ImGui::CalcTextSize("0").x * 0.85f;
    const auto max_chars = static_cast<std::size_t>(std::max(0.0f, (w.cell - 3 * scale) / digit_w));
    const bool show_values = w.cell >= value_font + 2 && max_chars >= 1;
    for (int i = std::max(0, i0); i < i1; ++i)
      for (int j = std::max(0, j0); j < j1; ++j) {
        const ImVec2 a = cell_min(i, j), b(a.x + w.cell, a.y + w.cell);
        if (!is_allowed(spec, i, j)) {
          dl->AddRectFilled(a, b, masked_color);
          dl->AddLine(a, b, IM_COL32(110, 110, 116, 255), 1.0f * scale);
          continue;
        }
        const double v = m(i, j);
        const ImU32 bg = value_color(spec, canvas.colors.palette, v, st.lo, st.hi);
        dl->AddRectFilled(a, b, bg);
        if (!show_values) continue;
        const std::string s = format_cell_fitting(v, max_chars);
        if (s.empty()) continue;
        const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(value_font, FLT_MAX, 0.0f, s.c_str());
        if (ts.x > w.cell - 2 * scale) continue;
        dl->AddText(ImGui::GetFont(), value_font, ImVec2(a.x + (w.cell - ts.x) / 2, a.y + (w.cell - ts.y) / 2),
                    text_color_on(bg), s.c_str());
      }
  } else {
    // Zoomed out: the texture's visible part (the overview while a cell is under a pixel). While a new texture is
    // being made the last complete one is shown, and before the first a grey box saying so.
    const bool overview = w.cell < 1.0f && st.overview_ready && st.overview_pool > st.pool;
    const int pool = overview ? st.overview_pool : st.pool;
    const ImTextureID tex = st.texture_ready ? canvas.textures->get(overview ? texture_name + "#overview" : texture_name) : nullptr;
    if (tex) {
      dl->AddImage(tex, grid, grid_end, ImVec2(uv(w.first_col, pool, cols), uv(w.first_row, pool, rows)),
                   ImVec2(uv(w.first_col + w.cols, pool, cols), uv(w.first_row + w.rows, pool, rows)));
    } else {
      dl->AddRectFilled(grid, grid_end, masked_color);
      dl->AddText(ImVec2(grid.x + 4 * scale, grid.y + 4 * scale), text, "drawing…");
    }
  }
  for (const HeatmapBox& box : spec.boxes)  // shaded tiles (the Cost view's finished ones) stay inside the map
    if (box.filled) dl->AddRectFilled(cell_min(box.row, box.col), cell_min(box.row + box.rows, box.col + box.cols), box.color);
  dl->PopClipRect();
  dl->AddRect(grid, grid_end, IM_COL32(90, 90, 90, 255));
  // Outlined boxes: at least 3 px wide so one cell of 4096 still shows; clipped a little outside the grid, so a box
  // on its edge is not cut in half.
  const float pad = 3 * scale;
  dl->PushClipRect(ImVec2(grid.x - pad, grid.y - pad), ImVec2(grid_end.x + pad, grid_end.y + pad), true);
  for (const HeatmapBox& box : spec.boxes) {
    if (box.filled || box.rows <= 0 || box.cols <= 0) continue;
    ImVec2 a = cell_min(box.row, box.col), b = cell_min(box.row + box.rows, box.col + box.cols);
    a = ImVec2(std::max(a.x, grid.x - 1), std::max(a.y, grid.y - 1));  // a box partly scrolled away ends at the edge
    b = ImVec2(std::min(b.x, grid_end.x + 1), std::min(b.y, grid_end.y + 1));
    if (b.x - a.x < 3 * scale) b.x = a.x + 3 * scale;
    if (b.y - a.y < 3 * scale) b.y = a.y + 3 * scale;
    if (a.x > grid_end.x || a.y > grid_end.y || b.x < grid.x || b.y < grid.y) continue;
    dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), box.color, 0, 0, 2.5f * scale);
  }
  dl->PopClipRect();

  // Labels of the visible rows and columns, thinned so they never overlap and never cut to a wrong prefix.
  if (spec.axis_labels) {
    const int stride = std::max(1, static_cast<int>(std::ceil((font + 2) / w.cell)));
    for (int j = std::max(0, j0) / stride * stride; j < j1; j += stride) {
      if (j < w.first_col - 0.5) continue;
      const float x = grid.x + static_cast<float>((j + 0.5 - w.first_col) * w.cell);
      if (upright) {
        const std::string l = fit_text(label_at(spec.col_labels, j), std::min(st.col_label_len, 6 * font) + 1);
        add_upright_text(dl, ImVec2(x - font / 2, grid.y - 3 * scale), text, l);
      } else {
        const std::string l = label_at(spec.col_labels, j);
        dl->AddText(ImVec2(x - ImGui::CalcTextSize(l.c_str()).x / 2, origin.y), text, l.c_str());
      }
    }
    for (int i = std::max(0, i0) / stride * stride; i < i1; i += stride) {
      if (i < w.first_row - 0.5) continue;
      const std::string l = fit_text(label_at(spec.row_labels, i), row_label_w - 6 * scale);
      const float y = grid.y + static_cast<float>((i + 0.5 - w.first_row) * w.cell) - font / 2;
      dl->AddText(ImVec2(grid.x - ImGui::CalcTextSize(l.c_str()).x - 4 * scale, y), text, l.c_str());
    }
  }
  if (spec.legend)
    draw_legend(dl, ImVec2(grid_end.x + 8 * scale, grid.y), std::min(grid_h, 8 * font), 0.9f * font, spec.map,
                canvas.colors.palette, st);
  if (show_minimap && st.texture_ready && canvas.textures) {
    const bool small = st.overview_ready && st.overview_pool > st.pool;
    const ImTextureID mini_tex = canvas.textures->get(small ? texture_name + "#overview" : texture_name);
    const ImVec2 b(mini_at.x + mini_w, mini_at.y + mini_h);
    if (mini_tex) dl->AddImage(mini_tex, mini_at, b);
    dl->AddRect(mini_at, b, IM_COL32(120, 120, 120, 255));
    const ImVec2 va(mini_at.x + static_cast<float>(w.first_col / cols) * mini_w, mini_at.y + static_cast<float>(w.first_row / rows) * mini_h);
    const ImVec2 vb(va.x + std::max(2.0f, static_cast<float>(w.cols / cols) * mini_w), va.y + std::max(2.0f, static_cast<float>(w.rows / rows) * mini_h));
    dl->AddRect(va, vb, IM_COL32(255, 200, 0, 255), 0, 0, 1.5f * scale);
  }

  if (hovered && mouse_in_grid && !panning) {
    const int j = static_cast<int>(std::floor(w.first_col + (mouse.x - grid.x) / w.cell));
    const int i = static_cast<int>(std::floor(w.first_row + (mouse.y - grid.y) / w.cell));
    if (i >= 0 && i < rows && j >= 0 && j < cols) {
      hover.row = i;
      hover.col = j;
      hover.clicked = ImGui::IsMouseClicked(ImGuiMouseButton_Left);
      hover.held = ImGui::IsMouseDown(ImGuiMouseButton_Left);
      const ImVec2 a = cell_min(i, j);
      const float side = std::max(w.cell, 3 * scale);
      dl->AddRect(a, ImVec2(a.x + side, a.y + side), IM_COL32(255, 200, 0, 255), 0, 0, 2 * scale);
    }
  }
  // Cell ids for widgetRect: only cells drawn one by one (legible, clickable), only the visible ones.
  if (!spec.register_id.empty() && w.cell >= cell_mode_min_px * scale) {
    const int vi0 = std::max(0, static_cast<int>(std::ceil(w.first_row - 1e-9)));
    const int vj0 = std::max(0, static_cast<int>(std::ceil(w.first_col - 1e-9)));
    const int vi1 = std::min(rows, static_cast<int>(std::floor(w.first_row + w.rows + 1e-9)));
    const int vj1 = std::min(cols, static_cast<int>(std::floor(w.first_col + w.cols + 1e-9)));
    std::string id;
    for (int i = vi0; i < vi1; ++i)
      for (int j = vj0; j < vj1; ++j) {
        const ImVec2 a = cell_min(i, j);
        id = spec.register_id;
        id += '[';
        id += std::to_string(i);
        id += "][";
        id += std::to_string(j);
        id += ']';
        widget_rects().record(id, a, ImVec2(a.x + w.cell, a.y + w.cell));
      }
  }
  return hover;
}

}  // namespace ap::ui
