// What the UI and the platform (src/app: the page or the desktop) hand each other once a frame.
// The UI never touches files, the clipboard or the GPU's pixels itself: it writes requests here, and the
// platform fulfils them after the frame is drawn; files and pasted text arrive here for the UI to apply.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ui/widget_rects.hpp"

namespace ap::ui {

struct ArrivedFile {
  std::string name;   // "scenario.json", "w_q.npy" (a path on the desktop)
  std::string bytes;
};

struct SaveRequest {
  std::string name;  // a file name; the page downloads it, the desktop writes it into save_folder
  std::string mime;
  std::string bytes;
};

// A PNG of a rectangle of the frame (framebuffer pixels), taken after the frame is drawn.
struct CaptureRequest {
  Rect rect;
  std::string name;
  int frames_to_wait = 1;  // let a closing popup leave the picture first
};

struct Exchange {
  // Set by the platform once.
  bool browser = false;         // downloads and a file picker; else paths and a save folder (desktop)
  std::string save_folder;      // desktop: where saves go
  std::string page_url;         // share links start with this (the page's address, without a fragment)

  // Platform → UI, applied and cleared by the UI each frame.
  std::vector<ArrivedFile> files;
  std::vector<std::string> pastes;

  // UI → platform, fulfilled and cleared by the platform after each frame.
  std::vector<SaveRequest> saves;
  std::optional<CaptureRequest> capture;
  std::optional<std::string> copy_text;  // to the clipboard
  bool pick_file = false;                // browser: open the file picker
  std::optional<std::string> open_path;  // desktop: read this file (it arrives in `files`)

  // What happened to the last request ("saved attention.png", "could not write ..."), for the status line.
  std::string notice;
  bool notice_is_error = false;
};

Exchange& exchange();  // the exchange of the current panel context (ui/panel_context.hpp)

// Requests any panel may make (the file bar, the heatmaps' context menus).
void request_save(std::string name, std::string mime, std::string bytes);
void request_capture(Rect rect, std::string name);  // framebuffer pixels, after the next frames
void request_copy(std::string text, const std::string& what);

}  // namespace ap::ui
