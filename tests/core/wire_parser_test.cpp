// The wire-syntax parser (the inverse of render.h): known wire strings, the round trip
// parse(render(x)) == x over every catalog operation, and the error ids.
#include "core/wire_parser.h"

#include <doctest/doctest.h>
#include <spdlog/fmt/fmt.h>

#include <algorithm>

#include "core/op_builder.h"
#include "core/render.h"

using namespace omm::core;

namespace {

// Every field of an operation in one string: two operations are equal when these are.
std::string describe(const Operation& op) {
  std::string out(op.spec->name);
  for (const Param& p : op.params) out += fmt::format(" {}={}", p.name(), p.plain());
  for (const ConcatInput& in : op.inputs) {
    out += fmt::format(" [{} {} {} {}]", to_string(in.position), in.key, in.ss.value_or(-1),
                       in.t.value_or(-1));
  }
  return out;
}

// A valid-looking sample value for one parameter (its own checks may still refuse it with
// others; such combinations are skipped).
std::string sample(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::kInt:
      if (!p.int_values.empty()) return std::to_string(p.int_values.back());
      return std::to_string(p.max == kNoMax ? p.min + 1 : p.max);
    case ParamType::kEnum:
      return std::string(p.values.back());
    case ParamType::kColor:
      return "00FF7A";
    case ParamType::kSize: {
      std::int64_t side = std::max<std::int64_t>(p.min, 64);
      if (p.even && side % 2 != 0) ++side;
      return fmt::format("{}x{}", side, side);
    }
    case ParamType::kText:
      return std::string("© a,b/c");
    case ParamType::kKey:
      return "wm/logo.png";
    case ParamType::kToken:
      return "yuv420p";
    case ParamType::kPreprocess:
      return "resize,w_10";
  }
  return {};
}

omm::Result<Operation> build(const OpSpec& spec, const std::vector<const ParamSpec*>& params) {
  RawOp raw{&spec, {}, {}};
  for (const ParamSpec* p : params)
    raw.params.push_back({std::string(p->name), RawValue::text(sample(*p))});
  if (spec.takes_inputs) {
    raw.inputs.push_back({{{"position", RawValue::text("pre")},
                           {"key", RawValue::text("c/a b.mp4")},
                           {"ss", RawValue::text("0")},
                           {"t", RawValue::text("1000")}}});
    raw.inputs.push_back(
        {{{"position", RawValue::text("sur")}, {"key", RawValue::text("c/z.mp4")}}});
  }
  return build_operation(raw);
}

}  // namespace

TEST_CASE("wire parser: parse(render(x)) == x for every catalog operation") {
  int round_trips = 0;
  for (const OpSpec& spec : all_ops()) {
    CAPTURE(spec.name);
    std::vector<const ParamSpec*> required;
    for (const ParamSpec& p : spec.params) {
      if (p.required) required.push_back(&p);
    }
    std::vector<std::vector<const ParamSpec*>> variants{required};
    for (const ParamSpec& p : spec.params) {
      if (p.required) continue;
      variants.push_back(required);
      variants.back().push_back(&p);
    }
    int built = 0;
    for (const auto& params : variants) {
      omm::Result<Operation> op = build(spec, params);
      if (!op.ok()) continue;
      ++built;
      std::vector<Operation> ops{*op};
      std::string wire = render_operations(ops);
      CAPTURE(wire);
      omm::Result<WireProcess> parsed = parse_wire_process(wire);
      REQUIRE_MESSAGE(parsed.ok(), parsed.status().to_string());
      REQUIRE(parsed->ops.size() == 1);
      CHECK_FALSE(parsed->saveas);
      omm::Result<Operation> again = build_operation(parsed->ops[0]);
      REQUIRE_MESSAGE(again.ok(), again.status().to_string());
      CHECK(describe(*again) == describe(*op));
      ++round_trips;
    }
    CHECK_MESSAGE(built > 0, "no sample of this operation builds");
  }
  CHECK(round_trips > static_cast<int>(all_ops().size()));
}

TEST_CASE("wire parser: known wire strings") {
  const struct {
    const char* wire;
    const char* ops;     // describe() of each operation, joined with " | "
    const char* saveas;  // "key@bucket", "" for none
  } cases[] = {
      {"image/resize,w_100,m_lfit/format,png", "resize w=100 m=lfit | format value=png", ""},
      {"image/resize,w_50", "resize w=50", ""},
      {"image/info", "info", ""},
      {"video/snapshot,t_1000,f_jpg", "video_snapshot t=1000 f=jpg", ""},
      {"image/watermark,text_RFJBRlQ,t_15,fill_1", "watermark t=15 fill=1 text=DRAFT", ""},
      {"image/watermark,image_bG9nby5wbmc_eC1vc3MtcHJvY2Vzcz1pbWFnZS9yZXNpemUsd18xMDAvcm90YXRlLDkw",
       "watermark image=logo.png?x-oss-process=image/resize,w_100/rotate,90", ""},
      {"image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc=", "resize w=100", "dest.jpg@"},
      {"video/convert,f_mp4,vcodec_h264|sys/saveas,b_ZGVzY3QtYnVja2V0,o_ZGVtby5tcDQ/"
       "notify,topic_dA",
       "video_convert f=mp4 vcodec=h264", "demo.mp4@desct-bucket"},
      {"blindwatermark-extract,s_low", "blindwatermark-extract s=low", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.wire);
    auto parsed = parse_wire_process(c.wire);
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().to_string());
    std::string got;
    for (const RawOp& raw : parsed->ops) {
      auto op = build_operation(raw);
      REQUIRE_MESSAGE(op.ok(), op.status().to_string());
      got += (got.empty() ? "" : " | ") + describe(*op);
    }
    CHECK(got == c.ops);
    std::string saveas = parsed->saveas ? parsed->saveas->key + "@" + parsed->saveas->bucket : "";
    CHECK(saveas == c.saveas);
  }
  // ali-oss writes the standard Base64 alphabet: "a?>b/" is YT8+Yi8=
  auto standard = parse_wire_process("image/resize,w_1|sys/saveas,o_YT8+Yi8=,b_YnVj");
  REQUIRE_MESSAGE(standard.ok(), standard.status().to_string());
  CHECK(standard->saveas->key == "a?>b/");
  CHECK(standard->saveas->bucket == "buc");
  auto async =
      parse_wire_process("video/convert,f_mp4|sys/saveas,o_YQ/notify,topic_dGVzdC10b3BpYw");
  REQUIRE(async.ok());
  CHECK(async->notify_topic == "test-topic");
}

TEST_CASE("wire parser: errors") {
  const struct {
    const char* wire;
    const char* id;
  } cases[] = {
      {"", "invalid_syntax.process"},
      {"image", "invalid_syntax.process"},
      {"image/nosuch,w_1", "invalid_argument.operations"},
      {"image/resize,w100", "invalid_syntax.process"},
      {"image/rotate,90,180", "invalid_syntax.process"},
      {"image/watermark,text_***", "invalid_syntax.process"},
      {"image/resize,w_1|sys/saveas,b_YQ", "invalid_syntax.process"},
      {"image/resize,w_1|sys/other,o_YQ", "invalid_syntax.process"},
      {"image/resize,w_1|sys/saveas,o_YQ/notify,bogus_1", "invalid_syntax.process"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.wire);
    auto parsed = parse_wire_process(c.wire);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().id() == c.id);
  }
}

TEST_CASE("wire parser: plans for the emulator") {
  auto parsed = parse_wire_process("image/resize,w_50/format,png");
  REQUIRE(parsed.ok());
  auto get = plan_from_wire(parsed->ops, "bkt/in/a.jpg", std::nullopt);
  REQUIRE_MESSAGE(get.ok(), get.status().to_string());
  CHECK(get->tool == "image_process");
  CHECK(get->source.value == "bkt/in/a.jpg");
  CHECK(get->output.mode == OutputMode::kUrl);
  auto save = plan_from_wire(parsed->ops, "bkt/in/a.jpg", "bkt/out/b.png");
  REQUIRE(save.ok());
  CHECK(save->output.mode == OutputMode::kSave);
  CHECK(save->output.target_key == "bkt/out/b.png");
  auto info = parse_wire_process("image/info");
  REQUIRE(info.ok());
  auto inspect = plan_from_wire(info->ops, "bkt/a.jpg", std::nullopt);
  REQUIRE(inspect.ok());
  CHECK(inspect->output.mode == OutputMode::kNone);
  // An async family without a save target is refused like any other syntax refuses it.
  auto convert = parse_wire_process("video/convert,f_mp4");
  REQUIRE(convert.ok());
  CHECK_FALSE(plan_from_wire(convert->ops, "bkt/v.mov", std::nullopt).ok());
}
