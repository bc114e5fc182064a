// PNGs of the GL framebuffer: the whole frame to a file (desktop smoke tests), or a rectangle of it as
// bytes (the playground's "PNG of this view" and the heatmaps' "Save PNG").
#pragma once

#include <string>

namespace ap::app {

bool save_framebuffer_png(const std::string& path, int width, int height);

// The rectangle (x, y from the top-left, in framebuffer pixels, clipped to the frame) as PNG bytes;
// empty if nothing of it is inside the frame.
std::string framebuffer_png(int x, int y, int width, int height);

}  // namespace ap::app
