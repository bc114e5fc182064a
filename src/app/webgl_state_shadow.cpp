// ImGui's OpenGL3 backend reads the scissor box and the blend state back before each frame's drawing, to restore
// them afterwards. In Chromium those reads (getParameter) are a synchronous round trip to the GPU process that
// waits for everything drawn before it: in headless Chromium, 80 % of the page's frame time went there. The page
// is the only user of its WebGL context and that backend the only code that sets this state, so its calls are
// routed here (cmake/dependencies.cmake renames them in that one file, web build only): the setters record what
// they set and the reads answer from the record; every other query goes to WebGL as before.
#include <GLES3/gl3.h>

#include <algorithm>

namespace {

// What this WebGL context's scissor box and blending were last set to (GL's initial values until then).
struct ShadowedState {
  GLint scissor_box[4] = {0, 0, 0, 0};
  GLint blend_src_rgb = GL_ONE, blend_dst_rgb = GL_ZERO, blend_src_alpha = GL_ONE, blend_dst_alpha = GL_ZERO;
  GLint blend_equation_rgb = GL_FUNC_ADD, blend_equation_alpha = GL_FUNC_ADD;
};
ShadowedState shadowed;  // a mirror of the context's own (global) state: the page has one context

}  // namespace

extern "C" {

void ap_shadow_glScissor(GLint x, GLint y, GLsizei width, GLsizei height) {
  shadowed.scissor_box[0] = x;
  shadowed.scissor_box[1] = y;
  shadowed.scissor_box[2] = width;
  shadowed.scissor_box[3] = height;
  glScissor(x, y, width, height);
}

void ap_shadow_glBlendFuncSeparate(GLenum src_rgb, GLenum dst_rgb, GLenum src_alpha, GLenum dst_alpha) {
  shadowed.blend_src_rgb = static_cast<GLint>(src_rgb);
  shadowed.blend_dst_rgb = static_cast<GLint>(dst_rgb);
  shadowed.blend_src_alpha = static_cast<GLint>(src_alpha);
  shadowed.blend_dst_alpha = static_cast<GLint>(dst_alpha);
  glBlendFuncSeparate(src_rgb, dst_rgb, src_alpha, dst_alpha);
}

void ap_shadow_glBlendEquation(GLenum mode) {
  shadowed.blend_equation_rgb = shadowed.blend_equation_alpha = static_cast<GLint>(mode);
  glBlendEquation(mode);
}

void ap_shadow_glBlendEquationSeparate(GLenum mode_rgb, GLenum mode_alpha) {
  shadowed.blend_equation_rgb = static_cast<GLint>(mode_rgb);
  shadowed.blend_equation_alpha = static_cast<GLint>(mode_alpha);
  glBlendEquationSeparate(mode_rgb, mode_alpha);
}

void ap_shadow_glGetIntegerv(GLenum pname, GLint* data) {
  switch (pname) {
    case GL_SCISSOR_BOX: std::copy(shadowed.scissor_box, shadowed.scissor_box + 4, data); return;
    case GL_BLEND_SRC_RGB: *data = shadowed.blend_src_rgb; return;
    case GL_BLEND_DST_RGB: *data = shadowed.blend_dst_rgb; return;
    case GL_BLEND_SRC_ALPHA: *data = shadowed.blend_src_alpha; return;
    case GL_BLEND_DST_ALPHA: *data = shadowed.blend_dst_alpha; return;
    case GL_BLEND_EQUATION_RGB: *data = shadowed.blend_equation_rgb; return;
    case GL_BLEND_EQUATION_ALPHA: *data = shadowed.blend_equation_alpha; return;
    default: glGetIntegerv(pname, data);
  }
}

}  // extern "C"
