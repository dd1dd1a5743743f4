// The FFmpeg demuxers that may open a source: containers that read exactly the one file they are
// given. Every FFmpeg child (`-format_whitelist`), ffprobe child and the probe engine worker
// (`format_whitelist`) opens inputs with these lists and the `file` protocol only.
//
// Left out on purpose: demuxers that open other files named inside the input — hls (playlists),
// dash and webm_dash_manifest (manifests), concat (ffconcat lists), imf (CPLs). image2 is only
// on the probe list, and always with `pattern_type none`: without it a name holding `%d` or a
// glob reads a sequence of other files. (Probes must recognise images to say "an image, not a
// video"; FFmpeg children never get an image: the runner refuses them after the probe.)
#pragma once

#include <string>
#include <string_view>

namespace omm::core {

inline constexpr std::string_view kInputDemuxers =
    "mov,matroska,webm,avi,flv,live_flv,mpegts,mpeg,mpegvideo,m4v,h264,hevc,mp3,aac,ac3,eac3,"
    "wav,w64,flac,ogg,amr,amrnb,amrwb,asf,gif,apng,ivf,nut,mxf,aiff,caf,wv,ape,tta,dts,truehd,"
    "loas,rm,dv,mjpeg,obu,png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,tiff_pipe,gif_pipe";
// kInputDemuxers plus image2 (opened with pattern_type none).
inline constexpr std::string_view kProbeDemuxers =
    "mov,matroska,webm,avi,flv,live_flv,mpegts,mpeg,mpegvideo,m4v,h264,hevc,mp3,aac,ac3,eac3,"
    "wav,w64,flac,ogg,amr,amrnb,amrwb,asf,gif,apng,ivf,nut,mxf,aiff,caf,wv,ape,tta,dts,truehd,"
    "loas,rm,dv,mjpeg,obu,png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,tiff_pipe,gif_pipe,image2";

// FFmpeg's words for a refused demuxer ("[hls] Format not on whitelist 'mov,…'") say nothing a
// caller can act on: when `message` holds them, the sentence to report instead.
inline std::string explain_refused_format(std::string message) {
  if (message.find("not on whitelist") == std::string::npos) return message;
  std::string format;
  if (std::size_t open = message.find('['); open != std::string::npos) {
    std::size_t close = message.find(']', open);
    if (close != std::string::npos) format = message.substr(open + 1, close - open - 1);
  }
  return "the file is a " + (format.empty() ? std::string("container") : format + " file") +
         ", which this server does not read: only single media files are read (no playlists, "
         "manifests or file lists that would open other files)";
}

}  // namespace omm::core
