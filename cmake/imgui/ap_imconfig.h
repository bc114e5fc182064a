// Dear ImGui build options for this project (IMGUI_USER_CONFIG, cmake/dependencies.cmake).
// 32-bit draw indices: a frame with a large heatmap or matrix can pass 65,535 vertices in one draw list,
// and WebGL2's backend cannot split a list by vertex offset, so 16-bit indices would draw garbage.
#pragma once

#define ImDrawIdx unsigned int
