// Label placement (see label_layout.hpp): greedy over fixed candidate spots, which is enough for the few dozen
// arrow tips a view shows and keeps the layout stable from frame to frame.
#include "core/label_layout.hpp"

#include <algorithm>

namespace ap::core {

namespace {

// The candidate spot k of ring r (r = 0 beside the point, larger farther out), for a label of size w × h.
Box spot(const LabelRequest& l, int ring, int k, double gap) {
  const double d = gap + ring * (l.h * 0.9);  // each ring one line farther out
  switch (k) {
    case 0: return {l.anchor_x + d, l.anchor_y - d - l.h, l.w, l.h};          // right, above
    case 1: return {l.anchor_x + d, l.anchor_y + d, l.w, l.h};                // right, below
    case 2: return {l.anchor_x - d - l.w, l.anchor_y - d - l.h, l.w, l.h};    // left, above
    case 3: return {l.anchor_x - d - l.w, l.anchor_y + d, l.w, l.h};          // left, below
    case 4: return {l.anchor_x - l.w / 2, l.anchor_y - d - l.h, l.w, l.h};    // above
    case 5: return {l.anchor_x - l.w / 2, l.anchor_y + d, l.w, l.h};          // below
    case 6: return {l.anchor_x + d, l.anchor_y - l.h / 2, l.w, l.h};          // right
    default: return {l.anchor_x - d - l.w, l.anchor_y - l.h / 2, l.w, l.h};   // left
  }
}

constexpr int spots_per_ring = 8;

Box inside(Box b, const Box& bounds) {
  b.x = std::clamp(b.x, bounds.x, std::max(bounds.x, bounds.x + bounds.w - b.w));
  b.y = std::clamp(b.y, bounds.y, std::max(bounds.y, bounds.y + bounds.h - b.h));
  return b;
}

bool fits(const Box& b, const Box& bounds) {
  return b.x >= bounds.x && b.y >= bounds.y && b.x + b.w <= bounds.x + bounds.w && b.y + b.h <= bounds.y + bounds.h;
}

}  // namespace

LabelLayout place_labels(const std::vector<LabelRequest>& labels, const Box& bounds, const std::vector<Box>& obstacles,
                         double gap, int rings) {
  LabelLayout out;
  std::vector<Box> taken = obstacles;
  for (const LabelRequest& l : labels) {
    bool placed = false;
    Box chosen = inside(spot(l, 0, 0, gap), bounds);
    for (int r = 0; r < rings && !placed; ++r)
      for (int k = 0; k < spots_per_ring && !placed; ++k) {
        const Box b = spot(l, r, k, gap);
        if (!fits(b, bounds)) continue;
        if (std::none_of(taken.begin(), taken.end(), [&](const Box& t) { return t.overlaps(b); })) {
          chosen = b;
          placed = true;
        }
      }
    if (!placed) ++out.overlapped;
    taken.push_back(chosen);
    out.boxes.push_back(chosen);
  }
  return out;
}

}  // namespace ap::core
