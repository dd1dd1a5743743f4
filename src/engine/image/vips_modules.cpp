#include "engine/image/vips_modules.h"

#include <gmodule.h>

#include <cstdio>
#include <string>

namespace omm::engine::image {

void load_vips_modules() {
  for (const char* name : {"vips-heif.so", "vips-magick.so"}) {
    const std::string path = std::string(kVipsModuleDir) + "/" + name;
    GModule* module = g_module_open(path.c_str(), G_MODULE_BIND_LAZY);
    if (module == nullptr) {
      std::fprintf(stderr, "oss-media-engine-image: libvips module %s not loaded: %s\n", name,
                   g_module_error());
      continue;
    }
    g_module_make_resident(module);  // its types stay registered for the worker's life
  }
}

}  // namespace omm::engine::image
