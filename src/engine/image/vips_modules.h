// The libvips modules the image worker opens. libvips opens every module in its module
// directory at start-up (heif, jxl, magick, openslide, poppler, and their libraries); the worker
// reads and writes OSS's formats only, so it skips that scan (VIPSHOME pointing nowhere, set
// before VIPS_INIT) and opens by name the two it needs: heif (HEIC, AVIF) and magick (BMP).
// The PDF, whole-slide and JPEG XL loaders never enter the process; a worker keeps ~6 MiB less
// resident. kVipsModuleDir is the module directory of the libvips the build found (empty when
// unknown: then libvips scans as usual). Called once, from the worker's start-up.
#pragma once

namespace omm::engine::image {

inline constexpr const char kVipsModuleDir[] = OMM_VIPS_MODULE_DIR;

// Opens vips-heif.so and vips-magick.so of kVipsModuleDir (each registers its operations as it
// opens). A module that is not installed is reported on stderr and left out: its formats then
// fail as they would with a libvips built without it.
void load_vips_modules();

}  // namespace omm::engine::image
