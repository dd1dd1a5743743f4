// oss-media-engine-probe: the media probe engine worker (docs/local-backend.md "FFmpeg").
//
// One request: {"input": "<path>"} → {"data": <what `ffprobe -print_format json -show_format
// -show_streams` reports, in its field names and value formats, restricted to the fields
// src/local/media_probe reads>}. A warm worker answers in a few milliseconds where an ffprobe
// child pays ~70 ms of library loading on every call (two probes per FFmpeg job). It links
// libavformat/libavcodec/libavutil only, opens files through the `file` protocol alone and never
// writes anything.
//
// Errors: engine.decode (the file cannot be opened or demuxed; the message carries FFmpeg's
// reason, as ffprobe would print it).
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
}

#include <spdlog/fmt/fmt.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string>

#include "core/input_formats.h"
#include "engine/worker.h"

namespace {

using nlohmann::json;
using omm::Result;
using omm::Status;
using omm::engine::WorkerLimits;

// FFmpeg's own error lines of the current request ("[mov,mp4,m4a,3gp,3g2,mj2] moov atom not
// found"), joined with "; " in front of the final reason as ffprobe's stderr would show them
// (without the context's address).
std::string g_log_lines;

void collect_errors(void* ptr, int level, const char* format, va_list args) {
  if (level > AV_LOG_ERROR || g_log_lines.size() > 2000) return;
  char text[512];
  std::vsnprintf(text, sizeof text, format, args);
  std::string line = text;
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return;
  const AVClass* cls = ptr != nullptr ? *static_cast<const AVClass* const*>(ptr) : nullptr;
  if (cls != nullptr && cls->item_name != nullptr)
    line = fmt::format("[{}] {}", cls->item_name(ptr), line);
  if (!g_log_lines.empty()) g_log_lines += "; ";
  g_log_lines += line;
}

std::string av_error_text(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

Status open_failure(const std::string& path, int code) {
  std::string reason = fmt::format("file:{}: {}", path, av_error_text(code));
  return Status::error("engine.decode", g_log_lines.empty() ? reason : g_log_lines + "; " + reason);
}

// ffprobe prints times with six decimals and rationals as "num/den".
std::string seconds_text(std::int64_t value, AVRational base) {
  return fmt::format("{:.6f}", static_cast<double>(value) * av_q2d(base));
}
std::string rational_text(AVRational r) { return fmt::format("{}/{}", r.num, r.den); }

json tags_of(const AVDictionary* dict) {
  json tags = json::object();
  const AVDictionaryEntry* e = nullptr;
  while ((e = av_dict_get(dict, "", e, AV_DICT_IGNORE_SUFFIX)) != nullptr) tags[e->key] = e->value;
  return tags;
}

json stream_json(const AVStream* st) {
  const AVCodecParameters* par = st->codecpar;
  json s = {{"index", st->index}};
  const AVCodecDescriptor* desc = avcodec_descriptor_get(par->codec_id);
  s["codec_name"] = desc != nullptr ? desc->name : "unknown";
  const char* type = av_get_media_type_string(par->codec_type);
  s["codec_type"] = type != nullptr ? type : "unknown";
  if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
    s["width"] = par->width;
    s["height"] = par->height;
    if (const char* pf = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format))) {
      s["pix_fmt"] = pf;
    }
  } else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
    s["sample_rate"] = std::to_string(par->sample_rate);
    s["channels"] = par->ch_layout.nb_channels;
  }
  s["r_frame_rate"] = rational_text(st->r_frame_rate);
  s["avg_frame_rate"] = rational_text(st->avg_frame_rate);
  if (st->duration != AV_NOPTS_VALUE) s["duration"] = seconds_text(st->duration, st->time_base);
  if (par->bit_rate > 0) s["bit_rate"] = std::to_string(par->bit_rate);
  s["disposition"] = {{"attached_pic", (st->disposition & AV_DISPOSITION_ATTACHED_PIC) ? 1 : 0}};
  if (json tags = tags_of(st->metadata); !tags.empty()) s["tags"] = std::move(tags);
  size_t size = 0;
  const std::uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix != nullptr && size >= 9 * sizeof(std::int32_t)) {
    double rotation = av_display_rotation_get(reinterpret_cast<const std::int32_t*>(matrix));
    if (std::isfinite(rotation)) {
      s["side_data_list"] = json::array(
          {{{"side_data_type", "Display Matrix"}, {"rotation", std::lround(rotation)}}});
    }
  }
  return s;
}

Result<json> probe(const std::string& path) {
  g_log_lines.clear();
  AVFormatContext* ctx = nullptr;
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  // The one file only: no playlist, manifest or list demuxer (core/input_formats.h).
  av_dict_set(&options, "format_whitelist", std::string(omm::core::kProbeDemuxers).c_str(), 0);
  av_dict_set(&options, "pattern_type", "none", 0);  // image2: the named file, no sequence
  // "file:" keeps a name that starts with '-' or contains ':' from reading as a protocol.
  int rc = avformat_open_input(&ctx, ("file:" + path).c_str(), nullptr, &options);
  av_dict_free(&options);
  if (rc < 0) {
    return open_failure(path, rc);
  }
  struct Closer {
    AVFormatContext** f;
    ~Closer() { avformat_close_input(f); }
  } closer{&ctx};
  rc = avformat_find_stream_info(ctx, nullptr);
  if (rc < 0) {
    return open_failure(path, rc);
  }
  json streams = json::array();
  for (unsigned i = 0; i < ctx->nb_streams; ++i) streams.push_back(stream_json(ctx->streams[i]));
  json format = {{"filename", path},
                 {"nb_streams", ctx->nb_streams},
                 {"format_name", ctx->iformat != nullptr ? ctx->iformat->name : ""}};
  if (ctx->duration != AV_NOPTS_VALUE) {
    format["duration"] = seconds_text(ctx->duration, AVRational{1, AV_TIME_BASE});
  }
  if (ctx->pb != nullptr) {
    if (std::int64_t size = avio_size(ctx->pb); size >= 0) format["size"] = std::to_string(size);
  }
  if (ctx->bit_rate > 0) format["bit_rate"] = std::to_string(ctx->bit_rate);
  if (json tags = tags_of(ctx->metadata); !tags.empty()) format["tags"] = std::move(tags);
  return json{{"data", {{"streams", std::move(streams)}, {"format", std::move(format)}}}};
}

Result<json> handle(const json& request, const WorkerLimits&) {
  auto input = request.find("input");
  if (input == request.end() || !input->is_string() || input->get<std::string>().empty()) {
    return Status::error("engine.decode", "the request has no input path");
  }
  return probe(input->get<std::string>());
}

}  // namespace

int main(int argc, char** argv) {
  return omm::engine::run_worker(
      argc, argv, "oss-media-engine-probe",
      [] {
        av_log_set_level(AV_LOG_ERROR);
        av_log_set_callback(collect_errors);
        return Status::ok();
      },
      handle);
}
