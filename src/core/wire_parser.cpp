#include "core/wire_parser.h"

#include <spdlog/fmt/fmt.h>

#include "core/base64url.h"
#include "core/error_scope.h"
#include "core/plan_builder.h"

namespace omm::core {
namespace {

constexpr std::string_view kPreprocessMark = "?x-oss-process=image/";

Status syntax_error(std::string message) {
  return Status::error("invalid_syntax.process", std::move(message));
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// The operation a wire action names: by prefix + action ("image" + "resize"), or a bare name
// render.h gives operations without a process string ("blindwatermark-extract").
const OpSpec* find_wire_op(std::string_view prefix, std::string_view action) {
  for (const OpSpec& op : all_ops()) {
    if (op.prefix == prefix && op.action == action) return &op;
  }
  return nullptr;
}

// URL-safe Base64; the standard alphabet ('+', '/') is accepted as well.
Result<std::string> decode_b64(std::string_view name, std::string_view value) {
  std::string text(value);
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  std::optional<std::string> plain = base64url_decode(text);
  if (!plain) {
    return syntax_error(
        fmt::format("{}_ must be URL-safe base64, got {}", name, quote_text(value)));
  }
  return *plain;
}

// "name_value" items after the action; value-only actions take one bare value.
Status parse_items(const OpSpec& op, std::span<const std::string_view> items, RawOp& out) {
  if (op.value_only) {
    if (items.size() != 1) {
      return syntax_error(
          fmt::format("{} takes exactly one value ({},<value>)", op.action, op.action));
    }
    out.params.push_back({"value", RawValue::text(std::string(items[0]))});
    return Status::ok();
  }
  for (std::string_view item : items) {
    std::size_t us = item.find('_');
    if (us == std::string_view::npos || us == 0) {
      return syntax_error(
          fmt::format("{}: parameter {} must be name_value", op.action, quote_text(item)));
    }
    std::string name(item.substr(0, us));
    std::string_view value = item.substr(us + 1);
    const ParamSpec* spec = find_param(op, name);
    if (spec == nullptr || spec->encoding != WireEncoding::kBase64) {
      out.params.push_back({name, RawValue::text(std::string(value))});
      continue;
    }
    Result<std::string> plain = decode_b64(name, value);
    if (!plain.ok()) return plain.status();
    std::size_t mark = name == "image" ? plain->find(kPreprocessMark) : std::string::npos;
    if (mark == std::string::npos) {
      out.params.push_back({name, RawValue::text(*plain)});
      continue;
    }
    // A watermark image with preprocessing: split it back into image + preprocess.
    out.params.push_back({name, RawValue::text(plain->substr(0, mark))});
    out.params.push_back(
        {"preprocess", RawValue::text(plain->substr(mark + kPreprocessMark.size()))});
  }
  return Status::ok();
}

// "pre,o_<b64>,ss_0,t_1000" -> a concat input with a plain key.
Status parse_input(std::span<const std::string_view> items, RawOp& out) {
  RawInput in;
  in.fields.push_back({"position", RawValue::text(std::string(items[0]))});
  for (std::size_t i = 1; i < items.size(); ++i) {
    std::size_t us = items[i].find('_');
    if (us == std::string_view::npos) {
      return syntax_error(
          fmt::format("concat input item {} must be name_value", quote_text(items[i])));
    }
    std::string_view name = items[i].substr(0, us);
    std::string_view value = items[i].substr(us + 1);
    if (name != "o") {
      in.fields.push_back({std::string(name), RawValue::text(std::string(value))});
      continue;
    }
    Result<std::string> key = decode_b64("o", value);
    if (!key.ok()) return key.status();
    in.fields.push_back({"key", RawValue::text(*key)});
  }
  out.inputs.push_back(std::move(in));
  return Status::ok();
}

Result<std::vector<RawOp>> parse_ops(std::string_view text) {
  std::vector<std::string_view> segments = split(text, '/');
  std::string_view prefix;
  std::size_t first = 0;
  if (find_wire_op("", segments[0].substr(0, segments[0].find(','))) == nullptr) {
    prefix = segments[0];
    first = 1;
    if (segments.size() < 2) return syntax_error(fmt::format("{} has no action", quote_text(text)));
  }
  std::vector<RawOp> ops;
  for (std::size_t i = first; i < segments.size(); ++i) {
    std::vector<std::string_view> items = split(segments[i], ',');
    if (items[0].empty()) return syntax_error(fmt::format("empty action in {}", quote_text(text)));
    if (!ops.empty() && ops.back().spec->takes_inputs && (items[0] == "pre" || items[0] == "sur")) {
      if (Status s = parse_input(items, ops.back()); !s) return s;
      continue;
    }
    const OpSpec* spec = find_wire_op(prefix, items[0]);
    if (spec == nullptr) {
      return Status::error(
          "invalid_argument.operations",
          fmt::format("unknown operation {}{}{}", prefix, prefix.empty() ? "" : "/", items[0]));
    }
    RawOp op{spec, {}, {}};
    std::span<const std::string_view> rest(items.data() + 1, items.size() - 1);
    if (Status s = parse_items(*spec, rest, op); !s) return s;
    ops.push_back(std::move(op));
  }
  return ops;
}

// "sys/saveas,o_..,b_.." and an optional "/notify,topic_..". Split on "/notify," only: SDKs
// that use the standard Base64 alphabet (ali-oss) put '/' inside o_ and b_.
Status parse_saveas(std::string_view text, WireProcess& out) {
  constexpr std::string_view kSaveas = "sys/saveas,";
  constexpr std::string_view kNotify = "/notify,";
  if (text.substr(0, kSaveas.size()) != kSaveas) {
    return syntax_error(
        fmt::format("after '|' only sys/saveas is supported, got {}", quote_text(text)));
  }
  std::size_t notify = text.find(kNotify);
  std::string_view items_text =
      text.substr(kSaveas.size(), notify == std::string_view::npos ? std::string_view::npos
                                                                   : notify - kSaveas.size());
  WireSaveas saveas;
  for (std::string_view item : split(items_text, ',')) {
    std::string_view name = item.substr(0, item.find('_'));
    std::string_view value = item.substr(std::min(item.size(), name.size() + 1));
    if (name != "o" && name != "b") {
      return syntax_error(fmt::format("sys/saveas takes o_ and b_, got {}", quote_text(item)));
    }
    Result<std::string> plain = decode_b64(name, value);
    if (!plain.ok()) return plain.status();
    (name == "o" ? saveas.key : saveas.bucket) = *plain;
  }
  if (saveas.key.empty()) return syntax_error("sys/saveas needs o_<base64 object key>");
  out.saveas = std::move(saveas);
  if (notify == std::string_view::npos) return Status::ok();
  for (std::string_view item : split(text.substr(notify + kNotify.size()), ',')) {
    if (item.substr(0, 6) != "topic_") {
      return syntax_error(fmt::format("notify takes topic_, got {}", quote_text(item)));
    }
    Result<std::string> topic = decode_b64("topic", item.substr(6));
    if (!topic.ok()) return topic.status();
    out.notify_topic = *topic;
  }
  return Status::ok();
}

}  // namespace

Result<WireProcess> parse_wire_process(std::string_view text) {
  if (text.empty()) return syntax_error("the process string is empty");
  WireProcess out;
  std::size_t bar = text.find('|');
  Result<std::vector<RawOp>> ops = parse_ops(text.substr(0, bar));
  if (!ops.ok()) return ops.status();
  out.ops = std::move(*ops);
  if (bar != std::string_view::npos) {
    if (Status s = parse_saveas(text.substr(bar + 1), out); !s) return s;
  }
  return out;
}

Result<Plan> plan_from_wire(std::vector<RawOp> ops, std::string source_key,
                            std::optional<std::string> target_key, const PlanOptions& options) {
  RawRequest raw;
  raw.ops = std::move(ops);
  raw.source_key = std::move(source_key);
  if (target_key) {
    raw.output_given = true;
    raw.output_mode = "save";
    raw.target_key = std::move(target_key);
  }
  return build_plan(raw, options);
}

}  // namespace omm::core
