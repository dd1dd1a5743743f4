// What a media file is, as the tools need it: ffprobe's JSON turned into a MediaSummary (the first
// video and audio stream), into OSS's video/info and audio/info shape, and back from that shape
// (the oss backend compares concat inputs from OSS's answers), plus the compact result metadata.
// Pure functions of JSON; thread-safe. Probing itself (a process or an engine worker) is the
// local backend's (local/media_probe.h).
//
// OSS's info shape (values are strings, as OSS sends them):
//   {"Format":{"Duration":"12.300000","Size":"1234","FormatName":"mov,mp4,m4a,3gp,3g2,mj2",
//              "BitRate":"…","NumberOfStreams":2},
//    "Streams":{"VideoStream":[{"Index":0,"CodecName":"h264","Width":160,"Height":120,
//               "FrameRate":"25/1","BitRate":"…","Duration":"…","PixelFormat":"yuv420p",
//               "Rotate":"90"?}],
//               "AudioStream":[{"Index":1,"CodecName":"aac","SampleRate":"44100",
//               "Channels":2,"BitRate":"…","Duration":"…"}]}}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace omm::core {

struct MediaSummary {
  double duration = 0;     // seconds; the container's, else the longest stream's; 0 = unknown
  std::uint64_t size = 0;  // bytes
  std::string format;      // ffprobe format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  std::int64_t bit_rate = 0;
  bool has_video = false;  // a real video stream (cover art is not video)
  int width = 0;           // as stored (before rotation)
  int height = 0;
  std::string video_codec;
  std::string frame_rate;  // "25/1" (r_frame_rate), "" without video
  double fps = 0;
  std::string pixel_format;
  std::int64_t video_bit_rate = 0;  // bps; 0 = unknown
  int rotate = 0;                   // display rotation, degrees clockwise in 0, 90, 180, 270
  bool has_audio = false;
  std::string audio_codec;
  int sample_rate = 0;
  int channels = 0;
  std::int64_t audio_bit_rate = 0;  // bps; 0 = unknown
};

// Pure conversions of ffprobe's JSON.
MediaSummary summarize(const nlohmann::json& ffprobe);
// OSS's info shape; `audio_only` (audio/info) leaves out "VideoStream".
nlohmann::json oss_info(const nlohmann::json& ffprobe, bool audio_only = false);
// The inverse of oss_info() for what the concat comparison and the arguments need: a summary
// from OSS's video/info or audio/info answer (the oss backend compares concat inputs with it).
MediaSummary summarize_oss_info(const nlohmann::json& info);
// The compact result metadata: {"duration":1.0,"size":…,"format":"mp4",…}; video fields only
// with video, audio fields only with audio.
nlohmann::json metadata_json(const MediaSummary& media);
// The image format of a probed file ("jpeg", "png", "gif", "webp", …): JPEG, PNG, WebP, BMP, TIFF
// read as one-frame video through image2 or an *_pipe demuxer, GIF through its own; "" for
// video and audio. As on OSS, images belong to the image tools.
std::string image_kind(const MediaSummary& media);
// "30000/1001" → 29.97; 0 for anything unparsable.
double parse_rate(std::string_view rate);
// The canvas size of an extended WebP file (RIFF "WEBP" whose first chunk is VP8X: animated
// WebP, or WebP with alpha or metadata) from its first 30 bytes; {0, 0} for anything else.
// ffprobe reports animated WebP as 0x0, so probe_media fills the size in from here.
std::pair<int, int> webp_canvas(std::string_view head);

}  // namespace omm::core
