#include "local/ffmpeg_args.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/input_formats.h"

namespace omm::local {

namespace {

using core::Operation;
using Argv = std::vector<std::string>;

std::optional<std::int64_t> int_param(const Operation& op, std::string_view name) {
  const core::Param* p = op.find(name);
  if (p == nullptr || !p->is_int()) return std::nullopt;
  return p->as_int();
}

std::string text_param(const Operation& op, std::string_view name) {
  const core::Param* p = op.find(name);
  return p == nullptr ? std::string() : p->plain();
}

bool flag(const Operation& op, std::string_view name) { return int_param(op, name) == 1; }

// A kDecimal parameter (held as its text, e.g. "29.97"): its value, and the text for ffmpeg.
std::optional<double> decimal_param(const Operation& op, std::string_view name) {
  const core::Param* p = op.find(name);
  if (p == nullptr) return std::nullopt;
  if (p->is_int()) return static_cast<double>(p->as_int());
  return std::strtod(p->as_text().c_str(), nullptr);
}

struct Container {
  std::string_view f;
  std::string_view muxer;
  std::string_view audio_codec;  // the codec an audio-only container holds
  bool audio_only = false;
};

constexpr Container kContainers[] = {
    {"mp4", "mp4", "", false},      {"mkv", "matroska", "", false}, {"mov", "mov", "", false},
    {"asf", "asf", "", false},      {"avi", "avi", "", false},      {"mxf", "mxf", "", false},
    {"ts", "mpegts", "", false},    {"flv", "flv", "", false},      {"webm", "webm", "", false},
    {"mp3", "mp3", "mp3", true},    {"aac", "adts", "aac", true},   {"flac", "flac", "flac", true},
    {"oga", "ogg", "vorbis", true}, {"ac3", "ac3", "ac3", true},    {"opus", "opus", "opus", true},
    {"amr", "amr", "amr", true},
};

const Container* find_container(std::string_view f) {
  for (const Container& c : kContainers) {
    if (c.f == f) return &c;
  }
  return nullptr;
}

Result<std::string> video_encoder(std::string_view vcodec) {
  if (vcodec == "h264") return std::string("libx264");
  if (vcodec == "h265") return std::string("libx265");
  if (vcodec == "vp9") return std::string("libvpx-vp9");
  if (vcodec == "copy") return std::string("copy");
  return Status::error("engine.unsupported",
                       fmt::format("video codec '{}' is not supported", vcodec));
}

Result<std::string> audio_encoder(std::string_view acodec) {
  if (acodec == "copy") return std::string("copy");
  if (acodec == "mp3") return std::string("libmp3lame");
  if (acodec == "aac") return std::string("aac");
  if (acodec == "flac") return std::string("flac");
  if (acodec == "vorbis") return std::string("libvorbis");
  if (acodec == "ac3") return std::string("ac3");
  if (acodec == "opus") return std::string("libopus");
  if (acodec == "pcm") return std::string("pcm_s16le");
  if (acodec == "amr") {
    return Status::error("engine.unsupported",
                         "this FFmpeg build has no AMR encoder (libopencore-amrnb)");
  }
  return Status::error("engine.unsupported",
                       fmt::format("audio codec '{}' is not supported", acodec));
}

// opt: 0 (or absent) exact, 1 only lower than the source, 2 only higher. Unknown source: apply.
bool apply_by_opt(std::optional<std::int64_t> opt, double requested, double source) {
  if (!opt || *opt == 0 || source <= 0) return true;
  return *opt == 1 ? requested < source : requested > source;
}

Argv start(const ArgsRequest& req, bool progress) {
  Argv a = {req.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"};
  if (progress) a.insert(a.end(), {"-progress", "pipe:1", "-nostats"});
  return a;
}

// Every input is read as the one file it is: the file protocol only, and no demuxer that
// opens other files (an HLS playlist or ffconcat list disguised as a video; input_formats.h).
void add_input(Argv& a, const std::string& path) {
  a.insert(a.end(), {"-protocol_whitelist", "file", "-format_whitelist",
                     std::string(core::kInputDemuxers), "-i", "file:" + path});
}

void append(Argv& a, std::initializer_list<std::string> more) { a.insert(a.end(), more); }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Frames to w x h (0 = by aspect) under `scaletype`; "" when both are 0. `even`: video
// encoders need even sides.
std::string scale_chain(std::int64_t w, std::int64_t h, std::string_view scaletype, bool even) {
  if (w <= 0 && h <= 0) return {};
  const int by_aspect = even ? -2 : -1;
  if (w <= 0 || h <= 0) {
    return fmt::format("scale={}:{}", w > 0 ? w : by_aspect, h > 0 ? h : by_aspect);
  }
  if (scaletype == "crop") {
    return fmt::format("scale={0}:{1}:force_original_aspect_ratio=increase,crop={0}:{1},setsar=1",
                       w, h);
  }
  if (scaletype == "fill") {
    return fmt::format(
        "scale={0}:{1}:force_original_aspect_ratio=decrease,pad={0}:{1}:(ow-iw)/2:(oh-ih)/2,"
        "setsar=1",
        w, h);
  }
  if (scaletype == "fit") {
    return fmt::format("scale={}:{}:force_original_aspect_ratio=decrease{},setsar=1", w, h,
                       even ? ":force_divisible_by=2" : "");
  }
  return fmt::format("scale={}:{},setsar=1", w, h);
}

// "1280x720" -> {1280, 720}.
std::pair<std::int64_t, std::int64_t> parse_size(const std::string& s) {
  std::size_t x = s.find('x');
  if (x == std::string::npos) return {0, 0};
  return {std::atoll(s.c_str()), std::atoll(s.c_str() + x + 1)};
}

std::string number(double v) {
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

const char* layout_for(std::int64_t channels) {
  static const char* kLayouts[] = {"mono", "stereo", "2.1", "quad", "5.0", "5.1", "6.1", "7.1"};
  return kLayouts[std::clamp<std::int64_t>(channels, 1, 8) - 1];
}

Status need_video(const ArgsInput& in) {
  if (in.media.has_video) return Status::ok();
  return Status::error("engine.decode", "the input has no video stream");
}

Status need_audio(const ArgsInput& in) {
  if (in.media.has_audio) return Status::ok();
  return Status::error("engine.decode", "the input has no audio stream");
}

// Audio quality 0..100 for encoders with a VBR scale, else as a bitrate.
void add_audio_quality(Argv& a, std::string_view encoder, std::int64_t aq) {
  if (encoder == "libmp3lame") {
    append(a, {"-q:a", std::to_string((100 - aq) * 9 / 100)});  // 0 best .. 9 worst
  } else if (encoder == "libvorbis") {
    append(a, {"-q:a", number(aq / 10.0)});  // 0 .. 10
  } else if (encoder != "flac" && encoder != "copy" && encoder.rfind("pcm", 0) != 0) {
    append(a, {"-b:a", std::to_string(32000 + aq * 2880)});
  }
}

// ab / aq / ar / ac of a request, for an encoder (not copy).
void add_audio_settings(Argv& a, const Operation& op, std::string_view encoder,
                        const MediaSummary& src) {
  if (auto ab = int_param(op, "ab");
      ab && apply_by_opt(int_param(op, "abopt"), static_cast<double>(*ab),
                         static_cast<double>(src.audio_bit_rate))) {
    append(a, {"-b:a", std::to_string(*ab)});
  } else if (auto aq = int_param(op, "aq")) {
    add_audio_quality(a, encoder, *aq);
  }
  if (auto ar = int_param(op, "ar")) {
    append(a, {"-ar", std::to_string(*ar)});
  } else if (encoder == "libopus" && src.sample_rate != 48000) {
    append(a, {"-ar", "48000"});  // libopus takes 48/24/16/12/8 kHz only
  } else if (encoder == "ac3" && src.sample_rate != 48000 && src.sample_rate != 44100 &&
             src.sample_rate != 32000) {
    append(a, {"-ar", "48000"});
  }
  if (auto ac = int_param(op, "ac")) append(a, {"-ac", std::to_string(*ac)});
  if (auto depth = int_param(op, "adepth")) {
    if (*depth == 24) {
      append(a, {"-sample_fmt", "s32", "-bits_per_raw_sample", "24"});
    } else {
      append(a, {"-sample_fmt", "s16"});
    }
  }
}

// Video encoder settings shared by convert, concat and hls: bitrate, crf, pixel format, tag.
void add_video_settings(Argv& a, const Operation& op, const std::string& encoder,
                        std::string_view muxer, const MediaSummary& src) {
  append(a, {"-c:v", encoder});
  std::string pixfmt = text_param(op, "pixfmt");
  append(a, {"-pix_fmt", pixfmt.empty() ? "yuv420p" : pixfmt});
  bool has_vb = false;
  if (auto vb = int_param(op, "vb");
      vb && apply_by_opt(int_param(op, "vbopt"), static_cast<double>(*vb),
                         static_cast<double>(src.video_bit_rate))) {
    append(a, {"-b:v", std::to_string(*vb)});
    has_vb = true;
  }
  std::string crf = text_param(op, "crf");
  if (crf.empty() && !has_vb && flag(op, "videoslim")) crf = encoder == "libvpx-vp9" ? "36" : "28";
  if (!crf.empty()) {
    // libvpx takes a whole crf; x264 and x265 take decimals.
    if (encoder == "libvpx-vp9")
      crf = std::to_string(std::llround(std::strtod(crf.c_str(), nullptr)));
    append(a, {"-crf", crf});
    if (encoder == "libvpx-vp9" && !has_vb) append(a, {"-b:v", "0"});
  }
  if (auto g = int_param(op, "g")) append(a, {"-g", std::to_string(*g)});
  if (auto maxrate = int_param(op, "maxrate")) append(a, {"-maxrate", std::to_string(*maxrate)});
  if (auto bufsize = int_param(op, "bufsize")) append(a, {"-bufsize", std::to_string(*bufsize)});
  if (encoder == "libx265" && (muxer == "mp4" || muxer == "mov")) append(a, {"-tag:v", "hvc1"});
}

// s / sopt / scaletype and fps / fpsopt as a filter chain.
std::string video_filters(const Operation& op, const MediaSummary& src) {
  std::vector<std::string> chain;
  auto [w, h] = parse_size(text_param(op, "s"));
  if (w > 0 && apply_by_opt(int_param(op, "sopt"), static_cast<double>(w * h),
                            static_cast<double>(src.width) * src.height)) {
    chain.push_back(scale_chain(w, h, text_param(op, "scaletype"), true));
  }
  if (auto fps = decimal_param(op, "fps");
      fps && *fps > 0 && apply_by_opt(int_param(op, "fpsopt"), *fps, src.fps)) {
    chain.push_back(fmt::format("fps={}", text_param(op, "fps")));
  }
  return join(chain, ",");
}

void add_output_format(Argv& a, const Container& c, const std::string& output) {
  append(a, {"-f", std::string(c.muxer)});
  if (c.muxer == "mp4" || c.muxer == "mov") append(a, {"-movflags", "+faststart"});
  a.push_back(output);
}

// --- operations ------------------------------------------------------------------------------

Result<Argv> convert_args(const Operation& op, const ArgsRequest& req) {
  const ArgsInput& in = req.inputs.front();
  const MediaSummary& src = in.media;
  const Container* c = find_container(text_param(op, "f"));
  if (c == nullptr) return Status::error("engine.unsupported", "unknown container");
  std::string vcodec = text_param(op, "vcodec");
  std::string acodec = text_param(op, "acodec");
  bool reencode_video = !vcodec.empty() && vcodec != "copy";
  bool vn = flag(op, "vn") || c->audio_only || !src.has_video;
  bool an = flag(op, "an") || !src.has_audio;
  if (vn && an) return Status::error("engine.decode", "the input has no stream left to write");

  Argv a = start(req, true);
  if (int_param(op, "arotate") == 0) a.push_back("-noautorotate");
  if (auto ss = int_param(op, "ss"); ss && *ss > 0) append(a, {"-ss", ms_to_seconds(*ss)});
  add_input(a, in.path);
  if (auto t = int_param(op, "t"); t && *t > 0) append(a, {"-t", ms_to_seconds(*t)});

  if (vn) {
    a.push_back("-vn");
  } else if (reencode_video) {
    auto enc = video_encoder(vcodec);
    if (!enc.ok()) return enc.status();
    if (std::string vf = video_filters(op, src); !vf.empty()) append(a, {"-vf", vf});
    add_video_settings(a, op, *enc, c->muxer, src);
  } else {
    append(a, {"-c:v", "copy"});
  }

  if (an) {
    a.push_back("-an");
  } else {
    bool audio_settings = op.has("ab") || op.has("ar") || op.has("ac");
    std::string encoder;
    if (!acodec.empty()) {
      auto enc = audio_encoder(acodec);
      if (!enc.ok()) return enc.status();
      encoder = *enc;
    } else if (c->audio_only) {
      auto enc = audio_encoder(c->audio_codec);
      if (!enc.ok()) return enc.status();
      encoder = src.audio_codec == c->audio_codec && !audio_settings ? "copy" : *enc;
    } else if (!reencode_video && !audio_settings) {
      encoder = "copy";  // a remux copies every stream
    }
    if (!encoder.empty()) append(a, {"-c:a", encoder});
    if (encoder != "copy") add_audio_settings(a, op, encoder, src);
  }
  if (flag(op, "sn")) a.push_back("-sn");
  a.push_back("-dn");
  add_output_format(a, *c, req.output);
  return a;
}

Result<Argv> snapshot_args(const Operation& op, const ArgsRequest& req) {
  const ArgsInput& in = req.inputs.front();
  if (Status s = need_video(in); !s) return s;
  std::int64_t t = int_param(op, "t").value_or(0);
  bool fast = text_param(op, "m") == "fast" && !req.exact;
  // Past the end OSS answers the last frame.
  bool last =
      req.last_frame || (in.media.duration > 0 && t >= std::llround(in.media.duration * 1000));

  Argv a = start(req, false);
  if (last) {
    // Decode the final seconds and keep overwriting one file: the last frame written stays.
    double window = in.media.fps > 0 ? std::max(3.0, 3 / in.media.fps) : 3.0;
    append(a, {"-sseof", "-" + number(window)});
    if (fast) append(a, {"-skip_frame", "nokey"});
  } else if (t > 0) {
    append(a, {"-ss", ms_to_seconds(t)});
    if (fast) a.push_back("-noaccurate_seek");  // the keyframe at or before t
  }
  add_input(a, in.path);
  // ar h / w: a picture wider than tall (h) or taller than wide (w), as displayed, is turned a
  // quarter clockwise first; w and h then size the turned picture. auto (and no ar): the
  // video's own rotation, which ffmpeg applies by default.
  std::vector<std::string> chain;
  const std::string ar = text_param(op, "ar");
  if (ar == "h" || ar == "w") {
    int dw = in.media.width;
    int dh = in.media.height;
    if (in.media.rotate == 90 || in.media.rotate == 270) std::swap(dw, dh);
    if ((ar == "h" && dw > dh) || (ar == "w" && dh > dw)) chain.push_back("transpose=clock");
  }
  chain.push_back(scale_chain(int_param(op, "w").value_or(0), int_param(op, "h").value_or(0),
                              "stretch", false));
  std::string vf = join(chain, ",");
  if (!vf.empty()) append(a, {"-vf", vf});
  if (!last) append(a, {"-frames:v", "1"});
  append(a, {"-an", "-sn", "-dn"});
  if (text_param(op, "f") == "png") {
    append(a, {"-c:v", "png"});
  } else {
    append(a, {"-c:v", "mjpeg", "-q:v", "2"});
  }
  append(a, {"-f", "image2", "-update", "1", req.output});
  return a;
}

Result<Argv> animation_args(const Operation& op, const ArgsRequest& req) {
  const ArgsInput& in = req.inputs.front();
  if (Status s = need_video(in); !s) return s;
  Argv a = start(req, true);
  if (auto ss = int_param(op, "ss"); ss && *ss > 0) append(a, {"-ss", ms_to_seconds(*ss)});
  add_input(a, in.path);
  if (auto t = int_param(op, "t")) append(a, {"-t", ms_to_seconds(*t)});

  std::vector<std::string> chain;
  auto inter = int_param(op, "inter");
  const double fps = decimal_param(op, "fps").value_or(0);  // 0: keep
  const std::string fps_text = text_param(op, "fps");
  if (inter) {
    chain.push_back(fmt::format("fps=1000/{}", *inter));  // one frame every inter ms
    if (fps > 0) chain.push_back(fmt::format("setpts=N/({}*TB)", fps_text));  // played at fps
  } else if (fps > 0) {
    chain.push_back(fmt::format("fps={}", fps_text));
  }
  chain.push_back(scale_chain(int_param(op, "w").value_or(0), int_param(op, "h").value_or(0),
                              text_param(op, "scaletype"), false));
  std::string vf = join(chain, ",");
  bool gif = text_param(op, "f") != "webp";
  if (gif) {
    vf = join({vf, "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer"},
              ",");
  }
  if (!vf.empty()) append(a, {"-vf", vf});
  if (inter && fps > 0) append(a, {"-r", fps_text});
  if (auto num = int_param(op, "num")) append(a, {"-frames:v", std::to_string(*num)});
  append(a, {"-an", "-sn", "-dn"});
  if (gif) {
    append(a, {"-loop", "0", "-f", "gif", req.output});
  } else {
    append(a, {"-c:v", "libwebp_anim", "-loop", "0", "-q:v", "75", "-f", "webp", req.output});
  }
  return a;
}

// Frame selection of snapshots and sprite. Returns the select filter ("" = every frame).
std::string frame_selection(const Operation& op, const MediaSummary& src, std::int64_t max_frames) {
  std::string m = text_param(op, "m");
  std::int64_t ss = int_param(op, "ss").value_or(0);
  std::string cond;
  if (m == "key") {
    cond = "eq(pict_type\\,I)";  // with -skip_frame nokey only keyframes arrive anyway
  } else if (m == "dhash") {
    cond = fmt::format("isnan(prev_selected_t)+gt(scene\\,{})",
                       number(int_param(op, "thr").value_or(10) / 100.0));
  } else {
    double step_ms = 0;
    if (auto inter = int_param(op, "inter")) {
      step_ms = static_cast<double>(*inter);
    } else if (auto num = int_param(op, "num"); num && src.duration > 0) {
      step_ms = std::max(
          1.0, (src.duration * 1000 - static_cast<double>(ss)) / static_cast<double>(*num));
    }
    if (step_ms > 0) {
      std::string step = number(step_ms / 1000);
      cond = fmt::format("isnan(prev_selected_t)+gte(trunc(t/{0})-trunc(prev_selected_t/{0})\\,1)",
                         step);
    }
  }
  if (max_frames > 0) {
    return fmt::format("select='({})*lt(selected_n\\,{})'", cond.empty() ? "1" : cond, max_frames);
  }
  return cond.empty() ? std::string() : fmt::format("select='{}'", cond);
}

void add_frame_input(Argv& a, const Operation& op, const ArgsInput& in) {
  if (text_param(op, "m") == "key") append(a, {"-skip_frame", "nokey"});
  if (auto ss = int_param(op, "ss"); ss && *ss > 0) append(a, {"-ss", ms_to_seconds(*ss)});
  add_input(a, in.path);
}

void add_image_codec(Argv& a, const Operation& op) {
  if (text_param(op, "f") == "png") {
    append(a, {"-c:v", "png"});
  } else {
    append(a, {"-c:v", "mjpeg", "-q:v", "2"});
  }
}

// w/h (or percentages pw/ph) for frames.
std::string frame_scale(const Operation& op, std::string_view w_name, std::string_view h_name,
                        std::string_view pw_name, std::string_view ph_name) {
  std::int64_t w = int_param(op, w_name).value_or(0);
  std::int64_t h = int_param(op, h_name).value_or(0);
  if (w > 0 || h > 0) return scale_chain(w, h, text_param(op, "scaletype"), false);
  std::int64_t pw = int_param(op, pw_name).value_or(0);
  std::int64_t ph = int_param(op, ph_name).value_or(0);
  if (pw <= 0 && ph <= 0) return {};
  auto side = [](std::int64_t p, const char* dim) {
    return p > 0 ? fmt::format("trunc({}*{}/100)", dim, p) : std::string("-1");
  };
  return fmt::format("scale={}:{}", side(pw, "iw"), side(ph, "ih"));
}

Result<Argv> snapshots_args(const Operation& op, const ArgsRequest& req) {
  const ArgsInput& in = req.inputs.front();
  if (Status s = need_video(in); !s) return s;
  Argv a = start(req, true);
  add_frame_input(a, op, in);
  std::string vf =
      join({frame_selection(op, in.media, 0), frame_scale(op, "w", "h", "pw", "ph")}, ",");
  if (!vf.empty()) append(a, {"-vf", vf});
  append(a, {"-fps_mode", "vfr"});
  if (auto num = int_param(op, "num")) append(a, {"-frames:v", std::to_string(*num)});
  append(a, {"-an", "-sn", "-dn"});
  add_image_codec(a, op);
  append(a, {"-f", "image2", "-start_number", "1", req.output});
  return a;
}

Result<Argv> sprite_args(const Operation& op, const ArgsRequest& req) {
  const ArgsInput& in = req.inputs.front();
  if (Status s = need_video(in); !s) return s;
  std::int64_t tw = int_param(op, "tw").value_or(6);
  std::int64_t th = int_param(op, "th").value_or(6);
  std::int64_t cells = tw * th;
  std::int64_t num = std::min(int_param(op, "num").value_or(cells), cells);
  Argv a = start(req, true);
  add_frame_input(a, op, in);
  std::string tile =
      fmt::format("tile={}x{}:nb_frames={}:padding={}:margin={}", tw, th, num,
                  int_param(op, "pad").value_or(2), int_param(op, "margin").value_or(2));
  std::string vf = join(
      {frame_selection(op, in.media, num), frame_scale(op, "sw", "sh", "psw", "psh"), tile}, ",");
  append(a, {"-vf", vf, "-fps_mode", "vfr", "-frames:v", "1", "-an", "-sn", "-dn"});
  add_image_codec(a, op);
  append(a, {"-f", "image2", "-update", "1", req.output});
  return a;
}

double effective_seconds(const ArgsInput& in) {
  double ss = in.ss ? static_cast<double>(*in.ss) / 1000 : 0;
  double rest = std::max(0.0, in.media.duration - ss);
  if (in.t && *in.t > 0)
    return rest > 0 ? std::min(rest, static_cast<double>(*in.t) / 1000)
                    : static_cast<double>(*in.t) / 1000;
  return rest;
}

Result<Argv> concat_args(const Operation& op, const ArgsRequest& req) {
  bool audio_only = op.spec->skill_name == "audio/concat";
  const Container* c = find_container(text_param(op, "f"));
  if (c == nullptr) return Status::error("engine.unsupported", "unknown container");
  std::vector<ConcatSlot> order = concat_order(op);
  if (order.size() != req.inputs.size()) {
    return Status::error("engine.unsupported", "concat inputs do not match the operation");
  }
  std::vector<ArgsInput> inputs = req.inputs;
  std::size_t source = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i].input < 0) source = i;
  }
  if (auto ss = int_param(op, "ss"); ss && !inputs[source].ss) inputs[source].ss = ss;
  std::size_t base = source;
  if (auto align = int_param(op, "align")) {
    base = static_cast<std::size_t>(std::clamp<std::int64_t>(*align, 0, inputs.size() - 1));
  }
  // The baseline's properties, falling back to the first input that has them.
  auto pick = [&](auto has) -> const MediaSummary* {
    if (has(inputs[base].media)) return &inputs[base].media;
    for (const ArgsInput& in : inputs) {
      if (has(in.media)) return &in.media;
    }
    return nullptr;
  };
  const MediaSummary* vbase = pick([](const MediaSummary& m) { return m.has_video; });
  const MediaSummary* abase = pick([](const MediaSummary& m) { return m.has_audio; });
  if (audio_only && abase == nullptr) return need_audio(inputs[source]);
  if (!audio_only && vbase == nullptr) return need_video(inputs[source]);
  bool with_video = !audio_only;
  bool with_audio = abase != nullptr;

  auto [w, h] = parse_size(text_param(op, "s"));
  if (with_video && w <= 0) {
    w = vbase->width + vbase->width % 2;
    h = vbase->height + vbase->height % 2;
  }
  std::string fps = with_video ? vbase->frame_rate : "";
  if (auto f = decimal_param(op, "fps"); f && *f > 0) fps = text_param(op, "fps");
  if (with_video && (fps.empty() || parse_rate(fps) <= 0 || parse_rate(fps) > 240)) fps = "25";
  std::int64_t ar = int_param(op, "ar").value_or(
      abase != nullptr && abase->sample_rate > 0 ? abase->sample_rate : 44100);
  std::int64_t ac =
      int_param(op, "ac").value_or(abase != nullptr && abase->channels > 0 ? abase->channels : 2);
  const char* layout = layout_for(ac);

  Argv a = start(req, true);
  std::vector<std::string> graph;
  std::string pads;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const ArgsInput& in = inputs[i];
    if (in.ss && *in.ss > 0) append(a, {"-ss", ms_to_seconds(*in.ss)});
    if (in.t && *in.t > 0) append(a, {"-t", ms_to_seconds(*in.t)});
    add_input(a, in.path);
    std::string d = number(std::max(0.04, effective_seconds(in)));
    if (with_video) {
      if (in.media.has_video) {
        graph.push_back(
            fmt::format("[{0}:v:0]scale={1}:{2}:force_original_aspect_ratio=decrease,"
                        "pad={1}:{2}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={3},format=yuv420p[v{0}]",
                        i, w, h, fps));
      } else {
        graph.push_back(fmt::format("color=c=black:s={}x{}:r={}:d={},format=yuv420p,setsar=1[v{}]",
                                    w, h, fps, d, i));
      }
      pads += fmt::format("[v{}]", i);
    }
    if (with_audio) {
      std::string fmt_chain =
          fmt::format("aresample={0},aformat=sample_fmts=fltp:sample_rates={0}:channel_layouts={1}",
                      ar, layout);
      if (in.media.has_audio) {
        // In a video, each piece's audio lasts exactly as long as its video.
        std::string fit =
            with_video ? fmt::format(",apad=whole_dur={0},atrim=duration={0}", d) : "";
        graph.push_back(fmt::format("[{}:a:0]{}{}[a{}]", i, fmt_chain, fit, i));
      } else {
        graph.push_back(
            fmt::format("anullsrc=r={}:cl={}:d={},{}[a{}]", ar, layout, d, fmt_chain, i));
      }
      pads += fmt::format("[a{}]", i);
    }
  }
  graph.push_back(fmt::format("{}concat=n={}:v={}:a={}{}{}", pads, inputs.size(),
                              with_video ? 1 : 0, with_audio ? 1 : 0, with_video ? "[v]" : "",
                              with_audio ? "[a]" : ""));
  append(a, {"-filter_complex", join(graph, ";")});
  const MediaSummary& src = inputs[source].media;
  if (with_video) {
    append(a, {"-map", "[v]"});
    std::string vcodec = text_param(op, "vcodec");
    auto enc = video_encoder(vcodec.empty() || vcodec == "copy" ? "h264" : vcodec);
    if (!enc.ok()) return enc.status();
    add_video_settings(a, op, *enc, c->muxer, src);
  }
  if (with_audio) {
    append(a, {"-map", "[a]"});
    std::string acodec = text_param(op, "acodec");
    if (c->audio_only) acodec = std::string(c->audio_codec);
    if (!acodec.empty() && acodec != "copy") {
      auto enc = audio_encoder(acodec);
      if (!enc.ok()) return enc.status();
      append(a, {"-c:a", *enc});
      Operation rest = op;
      rest.erase("ar");  // the filter graph already resampled
      rest.erase("ac");
      MediaSummary resampled = src;
      resampled.sample_rate = static_cast<int>(ar);
      add_audio_settings(a, rest, *enc, resampled);
    }
  }
  add_output_format(a, *c, req.output);
  return a;
}

Result<Argv> audio_convert_args(const Operation& op, const ArgsRequest& req) {
  const ArgsInput& in = req.inputs.front();
  if (Status s = need_audio(in); !s) return s;
  const Container* c = find_container(text_param(op, "f"));
  if (c == nullptr || !c->audio_only)
    return Status::error("engine.unsupported", "unknown audio format");
  auto enc = audio_encoder(c->audio_codec);
  if (!enc.ok()) return enc.status();
  Argv a = start(req, true);
  if (auto ss = int_param(op, "ss"); ss && *ss > 0) append(a, {"-ss", ms_to_seconds(*ss)});
  add_input(a, in.path);
  if (auto t = int_param(op, "t"); t && *t > 0) append(a, {"-t", ms_to_seconds(*t)});
  append(a, {"-vn", "-sn", "-dn", "-c:a", *enc});
  add_audio_settings(a, op, *enc, in.media);
  add_output_format(a, *c, req.output);
  return a;
}

Result<Argv> hls_args(const Operation& op, const ArgsRequest& req) {
  const ArgsInput& in = req.inputs.front();
  const MediaSummary& src = in.media;
  std::int64_t st = int_param(op, "st").value_or(10000);
  Argv a = start(req, true);
  if (int_param(op, "arotate") == 0) a.push_back("-noautorotate");
  if (auto ss = int_param(op, "ss"); ss && *ss > 0) append(a, {"-ss", ms_to_seconds(*ss)});
  add_input(a, in.path);
  if (auto t = int_param(op, "t"); t && *t > 0) append(a, {"-t", ms_to_seconds(*t)});
  if (src.has_video) {
    std::string vcodec = text_param(op, "vcodec");
    auto enc = video_encoder(vcodec.empty() ? "h264" : vcodec);
    if (!enc.ok()) return enc.status();
    if (std::string vf = video_filters(op, src); !vf.empty()) append(a, {"-vf", vf});
    add_video_settings(a, op, *enc, "mpegts", src);
    append(a, {"-force_key_frames", fmt::format("expr:gte(t,n_forced*{})", ms_to_seconds(st))});
  } else {
    a.push_back("-vn");
  }
  if (flag(op, "an") || !src.has_audio) {
    a.push_back("-an");
  } else {
    std::string acodec = text_param(op, "acodec");
    auto enc = audio_encoder(acodec.empty() ? "aac" : acodec);
    if (!enc.ok()) return enc.status();
    append(a, {"-c:a", *enc});
    if (*enc != "copy") add_audio_settings(a, op, *enc, src);
  }
  append(a, {"-sn", "-dn", "-f", "hls", "-hls_time", ms_to_seconds(st), "-hls_playlist_type", "vod",
             "-hls_list_size", "0", "-hls_segment_filename", hls_segment_pattern(req.output),
             req.output});
  return a;
}

std::string escape_percent(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%') out += '%';
    out += ch;
  }
  return out;
}

}  // namespace

std::string ms_to_seconds(std::int64_t ms) {
  return fmt::format("{}.{:03d}", ms / 1000, ms % 1000);
}

std::string frame_file_name(std::string_view prefix, int n, std::string_view ext) {
  return fmt::format("{}_0_{}.{}", prefix, n, ext);
}

std::string frame_pattern(std::string_view prefix, std::string_view ext) {
  return fmt::format("{}_0_%d.{}", escape_percent(prefix), ext);
}

std::string hls_segment_pattern(std::string_view playlist_path) {
  std::string_view stem = playlist_path;
  std::size_t slash = stem.rfind('/');
  std::size_t dot = stem.rfind('.');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    stem = stem.substr(0, dot);
  }
  return escape_percent(stem) + "_%d.ts";
}

double expected_output_seconds(const Operation& op, std::span<const ArgsInput> inputs) {
  if (inputs.empty()) return 0;
  std::string_view name = op.spec->skill_name;  // the OSS action, e.g. "video/convert"
  if (name == "video/concat" || name == "audio/concat") {
    double total = 0;
    for (const ArgsInput& in : inputs) total += effective_seconds(in);
    return total;
  }
  if (name == "video/snapshot" || name == "video/info" || name == "audio/info") return 0;
  ArgsInput in = inputs.front();
  in.ss = int_param(op, "ss");
  in.t = int_param(op, "t");
  double seconds = effective_seconds(in);
  auto num = int_param(op, "num");
  auto inter = int_param(op, "inter");
  if (num && inter) seconds = std::min(seconds, static_cast<double>(*num * *inter) / 1000);
  if (name == "video/animation" && num && !inter) {  // num frames at fps (else the source's rate)
    double fps = decimal_param(op, "fps").value_or(0);
    if (fps <= 0) fps = in.media.fps;
    if (fps > 0) seconds = std::min(seconds, static_cast<double>(*num) / fps);
  }
  return seconds;
}

Result<std::vector<std::string>> ffmpeg_args(const Operation& op, const ArgsRequest& req) {
  if (req.inputs.empty()) return Status::error("engine.unsupported", "no input file");
  std::string_view name = op.spec->skill_name;  // the OSS action, e.g. "video/convert"
  if (name == "video/convert") return convert_args(op, req);
  if (name == "video/snapshot") return snapshot_args(op, req);
  if (name == "video/animation") return animation_args(op, req);
  if (name == "video/snapshots") return snapshots_args(op, req);
  if (name == "video/sprite") return sprite_args(op, req);
  if (name == "video/concat" || name == "audio/concat") return concat_args(op, req);
  if (name == "audio/convert") return audio_convert_args(op, req);
  if (name == "hls/m3u8") return hls_args(op, req);
  return Status::error("engine.unsupported", fmt::format("{} does not run through ffmpeg", name));
}

Result<std::vector<std::string>> ffmpeg_args(const core::Plan& plan, const ArgsRequest& req) {
  if (plan.operations.size() != 1) {
    return Status::error("engine.unsupported", "a media plan has exactly one operation");
  }
  return ffmpeg_args(plan.operations.front(), req);
}

}  // namespace omm::local
