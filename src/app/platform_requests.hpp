// The platform's half of ui/exchange.hpp: fulfils the UI's requests after each frame (downloads and the
// file picker on the page, files in a folder and the system clipboard on the desktop) and feeds dropped
// files in. One implementation per platform: platform_requests_web.cpp, platform_requests_native.cpp.
#pragma once

struct GLFWwindow;

namespace ap::app {

void install_platform_requests(GLFWwindow* window);  // sets Exchange's platform fields, drop handler
void fulfil_platform_requests(GLFWwindow* window);   // after every frame

}  // namespace ap::app
