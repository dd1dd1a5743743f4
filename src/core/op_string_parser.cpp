#include "core/op_string_parser.h"

#include <spdlog/fmt/fmt.h>

#include "core/base64url.h"
#include "core/error_scope.h"

namespace omm::core {
namespace {

std::string_view trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return std::string(s.substr(1, s.size() - 2));
  }
  return std::string(s);
}

// Splits on commas outside quotes; items are trimmed, empty items dropped.
std::vector<std::string_view> split_items(std::string_view text) {
  std::vector<std::string_view> items;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ',';
    if (quote != 0) {
      if (c == quote) quote = 0;
      if (i < text.size()) continue;
    } else if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (c != ',' && i < text.size()) continue;
    std::string_view item = trim(text.substr(start, i - start));
    if (!item.empty()) items.push_back(item);
    start = i + 1;
  }
  return items;
}

std::string map_key(const OpSpec& op, std::string_view key) {
  for (const KeyAlias& a : op.cli_aliases) {
    if (a.from == key) return std::string(a.to);
  }
  return std::string(key);
}

Status syntax_error(const OpSpec& op, std::string message) {
  return Status::error(fmt::format("invalid_syntax.{}", op.name), std::move(message));
}

Status parse_params(const OpSpec& op, std::string_view text, RawOp& out) {
  std::vector<std::string_view> items = split_items(text);
  if (op.value_only && items.size() == 1 && items[0].find('=') == std::string_view::npos) {
    out.params.push_back({"value", RawValue::text(unquote(items[0]))});
    return Status::ok();
  }
  RawParam* preprocess = nullptr;
  for (std::string_view item : items) {
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      if (preprocess != nullptr) {  // preprocess=resize,P_30 continues until the next key=value
        preprocess->value.s.push_back(',');
        preprocess->value.s.append(unquote(item));
        preprocess->value.shown = quote_text(preprocess->value.s);
        continue;
      }
      return syntax_error(op, fmt::format("parameter {} has no '=' value", quote_text(item, '\'')));
    }
    std::string_view key = trim(item.substr(0, eq));
    if (key.empty()) {
      return syntax_error(op, fmt::format("parameter {} has no name", quote_text(item, '\'')));
    }
    out.params.push_back({map_key(op, key), RawValue::text(unquote(trim(item.substr(eq + 1))))});
    preprocess = out.params.back().name == "preprocess" ? &out.params.back() : nullptr;
  }
  return Status::ok();
}

// "sur,o_<b64>,ss_0,t_30000" -> an input with a plain key.
Status parse_segment(const OpSpec& op, std::string_view piece, RawOp& out) {
  RawInput in;
  std::vector<std::string_view> items = split_items(piece);
  in.fields.push_back({"position", RawValue::text(std::string(items.front()))});
  for (std::size_t i = 1; i < items.size(); ++i) {
    std::size_t us = items[i].find('_');
    if (us == std::string_view::npos) {
      return syntax_error(op, fmt::format("segment item '{}' must be name_value (o_<base64 key>, "
                                          "ss_<ms>, t_<ms>)",
                                          items[i]));
    }
    std::string_view name = items[i].substr(0, us);
    std::string_view value = items[i].substr(us + 1);
    if (name != "o") {
      in.fields.push_back({std::string(name), RawValue::text(std::string(value))});
      continue;
    }
    std::optional<std::string> key = base64url_decode(value);
    if (!key) {
      return Status::error("invalid_argument.media_concat.inputs.key",
                           fmt::format("key must be URL-safe base64 in the string syntax "
                                       "(o_<base64 key>), got {}",
                                       quote_text(value)));
    }
    in.fields.push_back({"key", RawValue::text(*key)});
  }
  out.inputs.push_back(std::move(in));
  return Status::ok();
}

Status parse_concat(const OpSpec& op, std::string_view text, RawOp& out) {
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    std::size_t end = text.find('/', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view piece = trim(text.substr(start, end - start));
    start = end + 1;
    std::string_view head = trim(piece.substr(0, piece.find(',')));
    if (head == "pre" || head == "sur") {
      if (Status s = parse_segment(op, piece, out); !s) return s;
    } else if (first || piece.find('=') != std::string_view::npos) {
      if (Status s = parse_params(op, piece, out); !s) return s;
    } else {
      return syntax_error(op, fmt::format("segment '{}' must start with 'pre,' or 'sur,'", piece));
    }
    first = false;
  }
  return Status::ok();
}

}  // namespace

RawValue RawValue::text(std::string s) {
  RawValue v;
  v.kind = Kind::kString;
  v.shown = quote_text(s);
  v.s = std::move(s);
  v.from_text = true;
  return v;
}

Result<RawOp> parse_op_string(std::string_view text) {
  std::size_t colon = text.find(':');
  std::string_view name = trim(text.substr(0, colon));
  const OpSpec* spec = find_op_by_skill_name(name);
  if (spec == nullptr) {
    return Status::error("invalid_argument.operations",
                         fmt::format("unknown operation {}; allowed: {}", quote_text(name, '\''),
                                     join(skill_op_names())));
  }
  RawOp op{spec, {}, {}};
  std::string_view rest =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  Status s = spec->takes_inputs ? parse_concat(*spec, rest, op) : parse_params(*spec, rest, op);
  if (!s) return s;
  return op;
}

}  // namespace omm::core
