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
constexpr int overview_side = 512;     // texels of the overview drawn while a cell is under a pixel
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
                          std::uint64_t(spec.map), std::uint64_t(spec.range), bits(spec.user_lo), bits(spec.user_hi)})
    h = mix(h, v);
  return h;
}

bool is_allowed(const HeatmapSpec& spec, Eigen::Index i, Eigen::Index j) { return !spec.allowed || (*spec.allowed)(i, j); }

std::pair<double, double> value_range(const HeatmapSpec& spec) {
  if (spec.range == ColorRange::unit) return {0.0, 1.0};
  if (spec.range == ColorRange::user && spec.user_hi > spec.user_lo) return {spec.user_lo, spec.user_hi};
  const core::Matrix& m = *spec.values;
  double lo = 0, hi = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      const double v = m(i, j);
      if (!std::isfinite(v) || !is_allowed(spec, i, j)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (spec.map == ColorMap::diverging) {
    const double a = std::max({std::fabs(lo), std::fabs(hi), 1e-12});
    return {-a, a};
  }
  return {0.0, std::max(hi, 1e-12)};
}

ImU32 value_color(const HeatmapSpec& spec, double v, double lo, double hi) {
  if (!std::isfinite(v)) return nonfinite_color;
  return colormap_color(spec.map, static_cast<float>((v - lo) / (hi - lo)));
}

// RGBA texels of ceil(rows / pool) × ceil(cols / pool): each the colour of its block's largest-magnitude
// allowed cell, so one strong weight is not averaged away when the matrix is pooled.
void fill_pixels(std::vector<std::uint32_t>& pixels, const HeatmapSpec& spec, double lo, double hi, int pool, int& width,
                 int& height) {
  const core::Matrix& m = *spec.values;
  const int rows = static_cast<int>(m.rows()), cols = static_cast<int>(m.cols());
  width = (cols + pool - 1) / pool;
  height = (rows + pool - 1) / pool;
  pixels.resize(static_cast<std::size_t>(width) * height);
  for (int ty = 0; ty < height; ++ty)
    for (int tx = 0; tx < width; ++tx) {
      double best = 0;
      bool any = false;
      for (int i = ty * pool; i < std::min(rows, (ty + 1) * pool); ++i)
        for (int j = tx * pool; j < std::min(cols, (tx + 1) * pool); ++j) {
          if (!is_allowed(spec, i, j)) continue;
          const double v = m(i, j);
          if (!any || !(std::fabs(v) <= std::fabs(best))) best = v;  // a NaN wins, so it stays visible
          any = true;
        }
      pixels[static_cast<std::size_t>(ty) * width + tx] = any ? value_color(spec, best, lo, hi) : masked_color;
    }
}

// The texture called `name`, made now if its content changed. Returns its id and how many cells a texel holds.
ImTextureID texture_for(HeatmapCanvas& canvas, const HeatmapSpec& spec, const std::string& name, std::uint64_t key,
                        int pool, double lo, double hi) {
  if (ImTextureID id = canvas.textures->find(name, key)) return id;
  int w = 0, h = 0;
  fill_pixels(canvas.pixels, spec, lo, hi, pool, w, h);
  return canvas.textures->upload(name, key, w, h, canvas.pixels.data());
}

void draw_legend(ImDrawList* dl, ImVec2 at, float height, float width, ColorMap map, double lo, double hi) {
  const int steps = 24;
  for (int s = 0; s < steps; ++s) {
    const float t0 = static_cast<float>(s) / steps, t1 = static_cast<float>(s + 1) / steps;
    dl->AddRectFilled(ImVec2(at.x, at.y + height * (1 - t1)), ImVec2(at.x + width, at.y + height * (1 - t0)),
                      colormap_color(map, (t0 + t1) / 2));
  }
  dl->AddRect(at, ImVec2(at.x + width, at.y + height), IM_COL32(120, 120, 120, 255));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddText(ImVec2(at.x + width + 4, at.y - 2), text, format_cell(hi).c_str());
  dl->AddText(ImVec2(at.x + width + 4, at.y + height - ImGui::GetFontSize()), text, format_cell(lo).c_str());
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
  if (key != st.content_key) {  // new numbers: colour range and label room, once
    st.content_key = key;
    std::tie(st.lo, st.hi) = value_range(spec);
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
  const int max_side = canvas.textures ? canvas.textures->max_side() : 4096;
  const int full_pool = std::max(1, (std::max(rows, cols) + max_side - 1) / max_side);
  const int overview_pool = std::max(1, (std::max(rows, cols) + overview_side - 1) / overview_side);
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
        const ImU32 bg = value_color(spec, v, st.lo, st.hi);
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
    // Zoomed out: the texture's visible part (the overview while a cell is under a pixel).
    const bool overview = w.cell < 1.0f && overview_pool > full_pool;
    const int pool = overview ? overview_pool : full_pool;
    const ImTextureID tex = texture_for(canvas, spec, std::string(spec.id) + (overview ? "#overview" : "#full"), key, pool,
                                        st.lo, st.hi);
    dl->AddImage(tex, grid, grid_end, ImVec2(uv(w.first_col, pool, cols), uv(w.first_row, pool, rows)),
                 ImVec2(uv(w.first_col + w.cols, pool, cols), uv(w.first_row + w.rows, pool, rows)));
  }
  dl->PopClipRect();
  dl->AddRect(grid, grid_end, IM_COL32(90, 90, 90, 255));

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
    draw_legend(dl, ImVec2(grid_end.x + 8 * scale, grid.y), std::min(grid_h, 8 * font), 0.9f * font, spec.map, st.lo, st.hi);
  if (show_minimap && canvas.textures) {
    const ImTextureID tex = texture_for(canvas, spec, std::string(spec.id) + (overview_pool > full_pool ? "#overview" : "#full"),
                                        key, std::max(full_pool, overview_pool), st.lo, st.hi);
    const ImVec2 b(mini_at.x + mini_w, mini_at.y + mini_h);
    dl->AddImage(tex, mini_at, b);
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
