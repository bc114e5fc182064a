// The single exchange between panels and platform.
#include "ui/exchange.hpp"

namespace ap::ui {

Exchange& exchange() {
  static Exchange one;
  return one;
}

}  // namespace ap::ui
