#include "core/media_summary.h"

#include <spdlog/fmt/fmt.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace omm::core {

using nlohmann::json;

namespace {

// ffprobe writes most numbers as strings ("duration":"1.000000") and some as numbers.
std::string text_of(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  if (it->is_number()) return fmt::format("{}", it->get<double>());
  return {};
}

double number_of(const json& obj, const char* key) {
  std::string s = text_of(obj, key);
  if (s.empty()) return 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return (end == s.c_str() || !std::isfinite(v)) ? 0 : v;
}

std::int64_t int_of(const json& obj, const char* key) {
  return static_cast<std::int64_t>(std::llround(number_of(obj, key)));
}

bool is_attached_picture(const json& stream) {
  auto d = stream.find("disposition");
  return d != stream.end() && d->is_object() && d->value("attached_pic", 0) == 1;
}

// Display rotation in degrees clockwise (0, 90, 180, 270). FFmpeg 5.1 reports a display matrix
// in side_data_list (counter-clockwise, so -90 means 90 clockwise); older files carry a
// "rotate" tag (clockwise).
int rotation_of(const json& stream) {
  double deg = 0;
  bool found = false;
  if (auto sd = stream.find("side_data_list"); sd != stream.end() && sd->is_array()) {
    for (const json& e : *sd) {
      if (e.is_object() && e.contains("rotation")) {
        deg = -number_of(e, "rotation");
        found = true;
        break;
      }
    }
  }
  if (!found) {
    if (auto tags = stream.find("tags"); tags != stream.end() && tags->is_object()) {
      deg = number_of(*tags, "rotate");
    }
  }
  int r = static_cast<int>(std::lround(deg)) % 360;
  if (r < 0) r += 360;
  return (r + 45) / 90 * 90 % 360;
}

const json& streams_of(const json& ffprobe) {
  static const json kEmpty = json::array();
  auto it = ffprobe.find("streams");
  return it != ffprobe.end() && it->is_array() ? *it : kEmpty;
}

const json& format_of(const json& ffprobe) {
  static const json kEmpty = json::object();
  auto it = ffprobe.find("format");
  return it != ffprobe.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace

double parse_rate(std::string_view rate) {
  auto parse = [](std::string_view s) {
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && std::isfinite(v) ? v : 0.0;
  };
  std::size_t slash = rate.find('/');
  if (slash == std::string_view::npos) return parse(rate);
  double num = parse(rate.substr(0, slash));
  double den = parse(rate.substr(slash + 1));
  return den > 0 ? num / den : 0;
}

MediaSummary summarize(const json& ffprobe) {
  MediaSummary m;
  const json& format = format_of(ffprobe);
  m.duration = number_of(format, "duration");
  m.size = static_cast<std::uint64_t>(std::max<std::int64_t>(0, int_of(format, "size")));
  m.format = text_of(format, "format_name");
  m.bit_rate = int_of(format, "bit_rate");
  double longest = 0;
  for (const json& s : streams_of(ffprobe)) {
    if (!s.is_object()) continue;
    std::string type = text_of(s, "codec_type");
    longest = std::max(longest, number_of(s, "duration"));
    if (type == "video" && !m.has_video && !is_attached_picture(s)) {
      m.has_video = true;
      m.width = static_cast<int>(int_of(s, "width"));
      m.height = static_cast<int>(int_of(s, "height"));
      m.video_codec = text_of(s, "codec_name");
      m.frame_rate = text_of(s, "r_frame_rate");
      m.fps = parse_rate(m.frame_rate);
      if (m.fps <= 0 || m.fps > 1000) {
        m.frame_rate = text_of(s, "avg_frame_rate");
        m.fps = parse_rate(m.frame_rate);
      }
      m.pixel_format = text_of(s, "pix_fmt");
      m.video_bit_rate = int_of(s, "bit_rate");
      m.rotate = rotation_of(s);
    } else if (type == "audio" && !m.has_audio) {
      m.has_audio = true;
      m.audio_codec = text_of(s, "codec_name");
      m.sample_rate = static_cast<int>(int_of(s, "sample_rate"));
      m.channels = static_cast<int>(int_of(s, "channels"));
      m.audio_bit_rate = int_of(s, "bit_rate");
    }
  }
  if (m.duration <= 0) m.duration = longest;
  return m;
}

json oss_info(const json& ffprobe, bool audio_only) {
  const json& format = format_of(ffprobe);
  json video = json::array();
  json audio = json::array();
  for (const json& s : streams_of(ffprobe)) {
    if (!s.is_object()) continue;
    std::string type = text_of(s, "codec_type");
    if (type == "video" && !audio_only) {
      json v = {{"Index", int_of(s, "index")},
                {"CodecName", text_of(s, "codec_name")},
                {"Width", int_of(s, "width")},
                {"Height", int_of(s, "height")},
                {"FrameRate", text_of(s, "r_frame_rate")},
                {"BitRate", text_of(s, "bit_rate")},
                {"Duration", text_of(s, "duration")},
                {"PixelFormat", text_of(s, "pix_fmt")}};
      if (int r = rotation_of(s); r != 0) v["Rotate"] = std::to_string(r);
      video.push_back(std::move(v));
    } else if (type == "audio") {
      audio.push_back({{"Index", int_of(s, "index")},
                       {"CodecName", text_of(s, "codec_name")},
                       {"SampleRate", text_of(s, "sample_rate")},
                       {"Channels", int_of(s, "channels")},
                       {"BitRate", text_of(s, "bit_rate")},
                       {"Duration", text_of(s, "duration")}});
    }
  }
  json streams = json::object();
  if (!audio_only) streams["VideoStream"] = std::move(video);
  streams["AudioStream"] = std::move(audio);
  return {{"Format",
           {{"Duration", text_of(format, "duration")},
            {"Size", text_of(format, "size")},
            {"FormatName", text_of(format, "format_name")},
            {"BitRate", text_of(format, "bit_rate")},
            {"NumberOfStreams", int_of(format, "nb_streams")}}},
          {"Streams", std::move(streams)}};
}

MediaSummary summarize_oss_info(const json& info) {
  MediaSummary m;
  const json& format =
      info.contains("Format") && info["Format"].is_object() ? info["Format"] : json::object();
  m.duration = number_of(format, "Duration");
  m.size = static_cast<std::uint64_t>(std::max<std::int64_t>(0, int_of(format, "Size")));
  m.format = text_of(format, "FormatName");
  m.bit_rate = int_of(format, "BitRate");
  const json empty = json::object();
  const json& streams =
      info.contains("Streams") && info["Streams"].is_object() ? info["Streams"] : empty;
  auto first = [&](const char* name) -> const json* {
    auto it = streams.find(name);
    if (it == streams.end() || !it->is_array() || it->empty() || !(*it)[0].is_object())
      return nullptr;
    return &(*it)[0];
  };
  if (const json* v = first("VideoStream")) {
    m.has_video = true;
    m.width = static_cast<int>(int_of(*v, "Width"));
    m.height = static_cast<int>(int_of(*v, "Height"));
    m.video_codec = text_of(*v, "CodecName");
    m.frame_rate = text_of(*v, "FrameRate");
    m.fps = parse_rate(m.frame_rate);
    m.pixel_format = text_of(*v, "PixelFormat");
    m.video_bit_rate = int_of(*v, "BitRate");
    m.rotate = static_cast<int>(int_of(*v, "Rotate"));
  }
  if (const json* a = first("AudioStream")) {
    m.has_audio = true;
    m.audio_codec = text_of(*a, "CodecName");
    m.sample_rate = static_cast<int>(int_of(*a, "SampleRate"));
    m.channels = static_cast<int>(int_of(*a, "Channels"));
    m.audio_bit_rate = int_of(*a, "BitRate");
  }
  return m;
}

json metadata_json(const MediaSummary& m) {
  json out = {
      {"duration", std::round(m.duration * 1000) / 1000}, {"size", m.size}, {"format", m.format}};
  if (m.has_video) {
    out["width"] = m.width;
    out["height"] = m.height;
    out["video_codec"] = m.video_codec;
    out["fps"] = std::round(m.fps * 1000) / 1000;
    if (m.rotate != 0) out["rotate"] = m.rotate;
  }
  if (m.has_audio) {
    out["audio_codec"] = m.audio_codec;
    out["sample_rate"] = m.sample_rate;
    out["channels"] = m.channels;
  }
  return out;
}

// An image (the probe reads JPEG, PNG, WebP, BMP, TIFF as one-frame "video" through image2 or an
// *_pipe demuxer, GIF through its own): "jpeg", "png", "gif", …; "" for video and audio. As on
// OSS, images belong to the image tools.
std::string image_kind(const MediaSummary& media) {
  const std::string& f = media.format;
  if (f == "gif") return f;
  bool pipe = f.size() > 5 && f.compare(f.size() - 5, 5, "_pipe") == 0;
  if (!pipe && f != "image2") return {};
  if (pipe) return f.substr(0, f.size() - 5);
  return media.video_codec == "mjpeg" ? std::string("jpeg") : media.video_codec;
}

std::pair<int, int> webp_canvas(std::string_view head) {
  if (head.size() < 30 || head.substr(0, 4) != "RIFF" || head.substr(8, 8) != "WEBPVP8X") {
    return {0, 0};
  }
  auto u24 = [&](size_t at) {
    return static_cast<int>(static_cast<unsigned char>(head[at]) |
                            (static_cast<unsigned char>(head[at + 1]) << 8) |
                            (static_cast<unsigned char>(head[at + 2]) << 16));
  };
  return {u24(24) + 1, u24(27) + 1};  // stored as size - 1
}

}  // namespace omm::core
