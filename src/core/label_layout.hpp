// Where to write labels beside points so that no two overlap: each label takes the first of a fixed list of
// spots around its point (right-above, right-below, left-above, left-below, above, below, then the same farther
// out) that stays inside the bounds and overlaps no label (or obstacle) placed before it; labels are placed in
// the order given, so the ones that matter most go first. Deterministic: the same input, the same layout. std only.
#pragma once

#include <vector>

namespace ap::core {

struct Box {
  double x = 0, y = 0, w = 0, h = 0;  // top-left corner and size (screen units, y down)
  bool overlaps(const Box& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
};

struct LabelRequest {
  double anchor_x = 0, anchor_y = 0;  // the point labelled
  double w = 0, h = 0;                // the label's size
};

// One box per request. A label with no free spot within `rings` rings takes its first spot (inside the bounds);
// `overlapped` then counts it.
struct LabelLayout {
  std::vector<Box> boxes;
  int overlapped = 0;
};

LabelLayout place_labels(const std::vector<LabelRequest>& labels, const Box& bounds, const std::vector<Box>& obstacles = {},
                         double gap = 3, int rings = 6);

}  // namespace ap::core
