// One parameter value against its catalog entry: types, ranges, enums, aliases and the exact
// messages (allowed values and the value received).
#include "core/param_check.h"

#include <doctest/doctest.h>

#include "core/error_scope.h"

using omm::core::check_param;
using omm::core::ErrorScope;
using omm::core::find_op;
using omm::core::find_param;
using omm::core::RawValue;

namespace {

RawValue json_int(std::int64_t v) {
  RawValue r;
  r.kind = RawValue::Kind::kInt;
  r.i = v;
  r.shown = std::to_string(v);
  return r;
}

struct Case {
  const char* op;
  const char* param;
  const char* text;    // a string-syntax value
  const char* expect;  // "=<normalised value>" or the full error
};

std::string verdict(const Case& c) {
  const omm::core::OpSpec* op = find_op(c.op);
  REQUIRE(op != nullptr);
  const omm::core::ParamSpec* spec = find_param(*op, c.param);
  REQUIRE(spec != nullptr);
  auto v = check_param(*spec, RawValue::text(c.text), ErrorScope::for_op(*op));
  if (!v.ok()) return v.status().to_string();
  std::string out = "=";
  out += v->index() == 0 ? std::to_string(std::get<0>(*v)) : std::get<1>(*v);
  return out;
}

}  // namespace

TEST_CASE("param check: values, normalisation and messages") {
  const Case cases[] = {
      {"resize", "w", "600", "=600"},
      {"resize", "w", "0", "[invalid_argument.resize.w] w must be 1..16384, got 0"},
      {"resize", "w", "16385", "[invalid_argument.resize.w] w must be 1..16384, got 16385"},
      {"resize", "w", "abc",
       "[invalid_argument.resize.w] w must be an integer 1..16384, got \"abc\""},
      {"resize", "w", "", "[invalid_argument.resize.w] w must be an integer 1..16384, got \"\""},
      {"resize", "w", "99999999999999999999",
       "[invalid_argument.resize.w] w must be an integer 1..16384, got \"99999999999999999999\""},
      {"resize", "limit", "2", "[invalid_argument.resize.limit] limit must be one of 0, 1, got 2"},
      {"resize", "limit", "no",
       "[invalid_argument.resize.limit] limit must be one of 0, 1, got \"no\""},
      {"resize", "color", "f5f5f5", "=f5f5f5"},
      {"resize", "color", "#FFFFFF",
       "[invalid_argument.resize.color] color must be a 6-digit RGB hex colour like FFFFFF, got "
       "\"#FFFFFF\""},
      {"bright", "value", "-100", "=-100"},
      {"bright", "value", "--1",
       "[invalid_argument.bright.value] value must be an integer -100..100, got \"--1\""},
      {"format", "value", "jpeg", "=jpg"},
      {"format", "value", "JPG",
       "[invalid_argument.format.value] value must be one of jpg, png, webp, bmp, gif, tiff, heic, "
       "avif, got \"JPG\""},
      {"crop", "g", "e", "=east"},
      {"watermark", "g", "s", "=south"},
      {"watermark", "g", "auto",
       "[invalid_argument.watermark.g] g must be one of nw, north, ne, west, center, east, sw, "
       "south, se, got \"auto\""},
      {"watermark", "text", "\xe6\xb5\x8b", "=\xe6\xb5\x8b"},
      {"watermark", "text", "a\tb",
       "[invalid_argument.watermark.text] text must not contain control characters, got "
       "\"a\\u0009b\""},
      {"watermark", "text", "\xff", "[invalid_argument.watermark.text] text must be valid UTF-8"},
      {"watermark", "type", "wqy-microhei", "=wqy-microhei"},
      {"video_convert", "s", "1920x1080", "=1920x1080"},
      {"video_convert", "s", "1920x1081",
       "[invalid_argument.video_transcode.s] s must be WxH with each side 64..4096 and even, got "
       "\"1920x1081\""},
      {"video_convert", "s", "32x32",
       "[invalid_argument.video_transcode.s] s must be WxH with each side 64..4096 and even, got "
       "\"32x32\""},
      {"video_convert", "pixfmt", "yuv420p", "=yuv420p"},
      {"video_convert", "pixfmt", "YUV 420",
       "[invalid_argument.video_transcode.pixfmt] pixfmt must be one of yuv420p, yuva420p, "
       "yuv420p10le, yuv422p, "
       "yuv422p10le, yuv444p, yuv444p10le, got \"YUV 420\""},
      {"video_convert", "fps", "29.97", "=29.97"},
      {"video_convert", "fps", "30.000", "=30"},
      {"video_convert", "fps", "29.9751",
       "[invalid_argument.video_transcode.fps] fps must be a number 0..240 with at most 3 "
       "decimals, got \"29.9751\""},
      {"video_convert", "fps", "240.5",
       "[invalid_argument.video_transcode.fps] fps must be 0..240, got 240.5"},
      {"video_convert", "fps", "1e2",
       "[invalid_argument.video_transcode.fps] fps must be a number 0..240 with at most 3 "
       "decimals, got \"1e2\""},
      {"video_convert", "crf", "23.5", "=23.5"},
      {"video_convert", "g", "0",
       "[invalid_argument.video_transcode.g] g must be 1..100000, got 0"},
      {"video_convert", "maxrate", "9999",
       "[invalid_argument.video_transcode.maxrate] maxrate must be 10000..100000000, got 9999"},
      {"video_convert", "bufsize", "200000000", "=200000000"},
      {"video_snapshot", "ar", "h", "=h"},
      {"video_snapshot", "ar", "portrait",
       "[invalid_argument.video_snapshot.ar] ar must be one of auto, h, w, got \"portrait\""},
      {"video_snapshots", "pw", "0", "[invalid_argument.video_frames.pw] pw must be 1..200, got 0"},
      {"video_sprite", "psw", "0", "[invalid_argument.video_sprite.psw] psw must be 1..200, got 0"},
      {"video_convert", "ss", "-1",
       "[invalid_argument.video_transcode.ss] ss must be >= 0, got -1"},
      {"video_snapshot", "t", "0", "=0"},
      {"audio_convert", "adepth", "16", "=16"},
      {"audio_convert", "adepth", "8",
       "[invalid_argument.audio_transcode.adepth] adepth must be one of 16, 24, got 8"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.op);
    CAPTURE(c.param);
    CAPTURE(c.text);
    CHECK(verdict(c) == c.expect);
  }
}

TEST_CASE("param check: JSON values are not parsed from text") {
  const omm::core::OpSpec* resize = find_op("resize");
  ErrorScope scope = ErrorScope::for_op(*resize);
  const omm::core::ParamSpec* w = find_param(*resize, "w");
  CHECK(std::get<0>(*check_param(*w, json_int(600), scope)) == 600);
  RawValue text;
  text.s = "600";
  text.shown = "\"600\"";
  CHECK(check_param(*w, text, scope).status().to_string() ==
        "[invalid_argument.resize.w] w must be an integer 1..16384, got \"600\"");
  const omm::core::ParamSpec* m = find_param(*resize, "m");
  CHECK(check_param(*m, json_int(1), scope).status().id() == "invalid_argument.resize.m");
}
