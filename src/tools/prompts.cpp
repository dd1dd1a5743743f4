#include "tools/prompts.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "core/embedded.h"
#include "core/op_catalog.h"
#include "mcp/server.h"

namespace omm::tools {

namespace prompt_detail {

namespace {

std::string_view trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

// Splits on '\n' (a trailing "\r" is kept in the line and trimmed where it matters).
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (pos < text.size()) out.push_back(text.substr(pos));
      break;
    }
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

}  // namespace

Template parse_template(std::string_view text) {
  Template t;
  auto lines = lines_of(text);
  size_t i = 0;
  for (; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    if (l.size() < 7 || l.substr(0, 4) != "<!--" || l.substr(l.size() - 3) != "-->") break;
    std::string_view inner = trim(l.substr(4, l.size() - 7));
    size_t colon = inner.find(':');
    if (colon == std::string_view::npos || !is_name(trim(inner.substr(0, colon)))) break;
    t.meta[std::string(trim(inner.substr(0, colon)))] = std::string(trim(inner.substr(colon + 1)));
  }
  for (; i < lines.size(); ++i) {
    t.body.append(lines[i]);
    t.body.push_back('\n');
  }
  return t;
}

std::string render(std::string_view body,
                   const std::map<std::string, std::string, std::less<>>& vars) {
  auto has = [&](std::string_view name) {
    auto it = vars.find(name);
    return it != vars.end() && !it->second.empty();
  };
  std::vector<bool> saved;  // the enclosing `keep` of each open section
  bool keep = true;
  bool last_blank = true;  // drops leading blank lines
  std::string out;
  for (std::string_view line : lines_of(body)) {
    std::string_view t = trim(line);
    if (t.size() > 5 && t.substr(0, 2) == "{{" && t.substr(t.size() - 2) == "}}" &&
        (t[2] == '#' || t[2] == '^' || t[2] == '/') && is_name(t.substr(3, t.size() - 5))) {
      std::string_view name = t.substr(3, t.size() - 5);
      if (t[2] == '/') {
        if (!saved.empty()) {
          keep = saved.back();
          saved.pop_back();
        }
      } else {
        saved.push_back(keep);
        keep = keep && (t[2] == '#' ? has(name) : !has(name));
      }
      continue;
    }
    if (!keep) continue;
    std::string rendered;
    bool missing = false;
    size_t pos = 0;
    for (;;) {
      size_t open = line.find("{{", pos);
      if (open == std::string_view::npos) break;
      size_t close = line.find("}}", open + 2);
      if (close == std::string_view::npos) break;
      std::string_view name = line.substr(open + 2, close - open - 2);
      if (!is_name(name)) {
        rendered.append(line.substr(pos, open + 2 - pos));
        pos = open + 2;
        continue;
      }
      if (!has(name)) {
        missing = true;
        break;
      }
      rendered.append(line.substr(pos, open - pos));
      rendered.append(vars.find(name)->second);
      pos = close + 2;
    }
    if (missing) continue;
    rendered.append(line.substr(pos));
    bool blank = trim(rendered).empty();
    if (blank && last_blank) continue;
    out.append(rendered);
    out.push_back('\n');
    last_blank = blank;
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

}  // namespace prompt_detail

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using prompt_detail::Template;
using Vars = std::map<std::string, std::string, std::less<>>;
using Strings = std::vector<std::string>;

const Strings kLanguages = {"zh", "en"};
// The values and accepted spellings of a catalog parameter: a prompt offers what the tool takes.
Strings catalog_values(std::string_view op, std::string_view param, std::string_view skip = {}) {
  const core::OpSpec* spec = core::find_op(op);
  const core::ParamSpec* p = spec != nullptr ? core::find_param(*spec, param) : nullptr;
  Strings out;
  if (p == nullptr) return out;
  for (std::string_view v : p->values) {
    if (v != skip) out.emplace_back(v);
  }
  for (const core::ValueAlias& a : p->aliases) out.emplace_back(a.from);
  return out;
}

const Strings kImageFormats = catalog_values("format", "value");
const Strings kResizeModes = catalog_values("resize", "m");
const Strings kGravity = catalog_values("watermark", "g");
const Strings kVideoContainers = catalog_values("video_convert", "f");
const Strings kVideoCodecs = catalog_values("video_convert", "vcodec", "copy");  // it encodes
const Strings kAudioCodecs = catalog_values("video_convert", "acodec");
const Strings kFrameFormats = catalog_values("video_snapshots", "f");

Status bad(std::string_view arg, std::string message) {
  return Status::error(fmt::format("invalid_argument.prompt.{}", arg), std::move(message));
}

std::string joined(const Strings& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// The argument as text: "" when missing, null or empty; numbers and booleans from lenient
// clients are accepted in their JSON form.
Result<std::string> text_arg(const json& args, std::string_view name) {
  auto it = args.find(std::string(name));
  if (it == args.end() || it->is_null()) return std::string();
  if (it->is_string()) {
    std::string v = it->get<std::string>();
    auto b = v.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return std::string();
    auto e = v.find_last_not_of(" \t\r\n");
    return v.substr(b, e - b + 1);
  }
  if (it->is_number() || it->is_boolean()) return it->dump();
  return bad(name, fmt::format("{} must be a string, got {}", name, it->type_name()));
}

Result<std::string> required_arg(const json& args, std::string_view name) {
  auto v = text_arg(args, name);
  if (v.ok() && v->empty())
    return bad(name, fmt::format("{} is required and may not be empty", name));
  return v;
}

Result<std::string> enum_arg(const json& args, std::string_view name, const Strings& allowed,
                             std::string fallback = {}) {
  auto v = text_arg(args, name);
  if (!v.ok()) return v;
  if (v->empty()) return fallback;
  const std::string lower = to_lower(*v);
  if (std::find(allowed.begin(), allowed.end(), lower) == allowed.end()) {
    return bad(name, fmt::format("{} must be one of {}, got \"{}\"", name, joined(allowed), *v));
  }
  return lower;
}

// An integer argument in [lo, hi]; `suffixes` also accepts k/K (×1000) and m/M (×1000000).
Result<std::optional<long long>> int_arg(const json& args, std::string_view name, long long lo,
                                         long long hi, bool suffixes = false) {
  auto v = text_arg(args, name);
  if (!v.ok()) return v.status();
  if (v->empty()) return std::optional<long long>();
  std::string s = *v;
  long long mult = 1;
  if (suffixes && !s.empty()) {
    char last = s.back();
    if (last == 'k' || last == 'K') mult = 1000;
    if (last == 'm' || last == 'M') mult = 1000000;
    if (mult != 1) s.pop_back();
  }
  auto range = [&] {
    return bad(name, fmt::format("{} must be an integer {}..{}, got \"{}\"", name, lo, hi, *v));
  };
  if (s.empty() || s.size() > 12 ||
      !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return range();
  }
  long long n = std::stoll(s) * mult;
  if (n < lo || n > hi) return range();
  return std::optional<long long>(n);
}

// A frame rate like "29.97": digits with at most 3 decimals, lo..hi; kept as its text.
Result<std::optional<std::string>> decimal_arg(const json& args, std::string_view name, int lo,
                                               int hi) {
  auto v = text_arg(args, name);
  if (!v.ok()) return v.status();
  if (v->empty()) return std::optional<std::string>();
  const std::string& s = *v;
  const size_t point = s.find('.');
  const std::string whole = s.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : s.substr(point + 1);
  auto digits = [](const std::string& d) {
    return std::all_of(d.begin(), d.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  const bool shape = !whole.empty() && whole.size() <= 4 && digits(whole) && digits(fraction) &&
                     fraction.size() <= 3 && (point == std::string::npos || !fraction.empty());
  if (!shape || std::stoi(whole) < lo || std::stod(s) > hi) {
    return bad(name, fmt::format("{} must be a number {}..{} with at most 3 decimals, e.g. 29.97, "
                                 "got \"{}\"",
                                 name, lo, hi, s));
  }
  return std::optional<std::string>(s);
}

Result<std::string> language_arg(const json& args) {
  auto v = text_arg(args, "language");
  if (!v.ok()) return v;
  if (v->empty()) return std::string("zh");
  if (std::find(kLanguages.begin(), kLanguages.end(), *v) == kLanguages.end()) {
    return bad("language",
               fmt::format("language must be one of {}, got \"{}\"", joined(kLanguages), *v));
  }
  return v;
}

// {"key": …} for an object key, {"uri": …} for an absolute local path or an http(s) URL.
ordered_json source_json(const std::string& source) {
  bool uri = source.rfind('/', 0) == 0 || source.rfind("http://", 0) == 0 ||
             source.rfind("https://", 0) == 0;
  return ordered_json{{uri ? "uri" : "key", source}};
}

std::string pretty(const ordered_json& j) { return j.dump(2); }

// Output of a sync file-producing tool from the optional target_key / path arguments.
Result<ordered_json> sync_output(const json& args, Vars& vars) {
  auto target = text_arg(args, "target_key");
  if (!target.ok()) return target.status();
  auto path = text_arg(args, "path");
  if (!path.ok()) return path.status();
  if (!target->empty() && !path->empty()) {
    return bad("path",
               "give target_key (save to the bucket) or path (local file), not both; got both");
  }
  if (!target->empty()) {
    vars["target_key"] = *target;
    vars["mode_save"] = "1";
    return ordered_json{{"mode", "save"}, {"target_key", *target}};
  }
  if (!path->empty()) {
    vars["path"] = *path;
    vars["mode_download"] = "1";
    return ordered_json{{"mode", "download"}, {"path", *path}};
  }
  vars["mode_url"] = "1";
  return ordered_json{{"mode", "url"}};
}

// Output of an async tool: saved to target_key, optionally also downloaded to path.
Result<ordered_json> async_output(const json& args, const std::string& target, Vars& vars) {
  ordered_json out{{"mode", "save"}, {"target_key", target}};
  auto path = text_arg(args, "path");
  if (!path.ok()) return path.status();
  if (!path->empty()) {
    out["path"] = *path;
    vars["path"] = *path;
  }
  return out;
}

std::string extension_of(const std::string& key) {
  size_t slash = key.rfind('/');
  size_t dot = key.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  return to_lower(key.substr(dot + 1));
}

#define OMM_TRY(var, expr) \
  auto var = (expr);       \
  if (!var.ok()) return var.status()

// ---- task prompts -----------------------------------------------------------------------------

Result<Vars> build_make_thumbnail(const json& args, const Template&) {
  Vars vars;
  OMM_TRY(source, required_arg(args, "source"));
  OMM_TRY(width, int_arg(args, "width", 1, 16384));
  if (!width->has_value()) return bad("width", "width is required and may not be empty");
  OMM_TRY(height, int_arg(args, "height", 1, 16384));
  OMM_TRY(mode, enum_arg(args, "resize_mode", kResizeModes));
  OMM_TRY(format, enum_arg(args, "format", kImageFormats));
  OMM_TRY(output, sync_output(args, vars));
  ordered_json resize{{"op", "resize"}, {"w", **width}};
  if (height->has_value()) resize["h"] = **height;
  if (!mode->empty()) resize["m"] = *mode;
  ordered_json ops = ordered_json::array({resize});
  if (!format->empty()) ops.push_back(ordered_json{{"op", "format"}, {"value", *format}});
  ordered_json call{{"source", source_json(*source)}, {"operations", ops}, {"output", *output}};
  vars["source"] = *source;
  vars["width"] = std::to_string(**width);
  if (height->has_value()) vars["height"] = std::to_string(**height);
  vars["resize_mode"] = *mode;
  vars["format"] = *format;
  vars["arguments"] = pretty(call);
  return vars;
}

Result<Vars> build_transcode_video(const json& args, const Template&) {
  Vars vars;
  OMM_TRY(source, required_arg(args, "source"));
  OMM_TRY(target, required_arg(args, "target_key"));
  std::string ext = extension_of(*target);
  std::string default_format =
      std::find(kVideoContainers.begin(), kVideoContainers.end(), ext) != kVideoContainers.end()
          ? ext
          : "mp4";
  OMM_TRY(format, enum_arg(args, "format", kVideoContainers, default_format));
  OMM_TRY(vcodec, enum_arg(args, "vcodec", kVideoCodecs, "h264"));
  OMM_TRY(resolution, text_arg(args, "resolution"));
  if (!resolution->empty()) {
    size_t x = resolution->find_first_of("xX");
    auto digits = [](std::string_view s) {
      return !s.empty() && s.size() <= 4 &&
             std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
    };
    if (x == std::string::npos || !digits(std::string_view(*resolution).substr(0, x)) ||
        !digits(std::string_view(*resolution).substr(x + 1))) {
      return bad("resolution",
                 fmt::format("resolution must be WxH, e.g. 1280x720, got \"{}\"", *resolution));
    }
    (*resolution)[x] = 'x';
  }
  OMM_TRY(bitrate, int_arg(args, "bitrate", 10000, 100000000, true));
  OMM_TRY(fps, decimal_arg(args, "fps", 0, 240));
  OMM_TRY(acodec, enum_arg(args, "acodec", kAudioCodecs));
  OMM_TRY(output, async_output(args, *target, vars));
  ordered_json call{{"source", source_json(*source)}, {"f", *format}, {"vcodec", *vcodec}};
  if (!resolution->empty()) call["s"] = *resolution;
  if (bitrate->has_value()) call["vb"] = **bitrate;
  if (fps->has_value()) {
    if (fps->value().find('.') == std::string::npos) {
      call["fps"] = std::stoi(**fps);
    } else {
      call["fps"] = std::stod(**fps);
    }
  }
  if (!acodec->empty()) call["acodec"] = *acodec;
  call["output"] = *output;
  vars["source"] = *source;
  vars["target_key"] = *target;
  vars["format"] = *format;
  vars["vcodec"] = *vcodec;
  vars["resolution"] = *resolution;
  if (bitrate->has_value()) vars["bitrate"] = std::to_string(**bitrate);
  if (fps->has_value()) vars["fps"] = **fps;
  vars["acodec"] = *acodec;
  vars["arguments"] = pretty(call);
  return vars;
}

Result<Vars> build_add_watermark(const json& args, const Template&) {
  Vars vars;
  OMM_TRY(source, required_arg(args, "source"));
  OMM_TRY(text, required_arg(args, "text"));
  if (text->size() > 64) {
    return bad("text", fmt::format("text must be at most 64 bytes, got {}", text->size()));
  }
  OMM_TRY(position, enum_arg(args, "position", kGravity));
  OMM_TRY(size, int_arg(args, "size", 1, 1000));
  OMM_TRY(opacity, int_arg(args, "opacity", 0, 100));
  OMM_TRY(output, sync_output(args, vars));
  ordered_json mark{{"op", "watermark"}, {"text", *text}};
  if (!position->empty()) mark["g"] = *position;
  if (size->has_value()) mark["size"] = **size;
  if (opacity->has_value()) mark["t"] = **opacity;
  ordered_json call{{"source", source_json(*source)},
                    {"operations", ordered_json::array({mark})},
                    {"output", *output}};
  vars["source"] = *source;
  vars["text"] = *text;
  vars["position"] = *position;
  if (size->has_value()) vars["size"] = std::to_string(**size);
  if (opacity->has_value()) vars["opacity"] = std::to_string(**opacity);
  vars["arguments"] = pretty(call);
  return vars;
}

Result<Vars> build_detect_faces(const json& args, const Template&) {
  OMM_TRY(source, required_arg(args, "source"));
  ordered_json call{{"source", source_json(*source)}, {"detect", "faces"}};
  return Vars{{"source", *source}, {"arguments", pretty(call)}};
}

Result<Vars> build_extract_frames(const json& args, const Template&) {
  Vars vars;
  OMM_TRY(source, required_arg(args, "source"));
  OMM_TRY(target, required_arg(args, "target_key"));
  if (!extension_of(*target).empty() || target->back() == '/') {
    return bad("target_key",
               fmt::format("target_key is a key prefix without extension, e.g. v/frames/f (frames "
                           "become <target_key>_<n>.<format>), got \"{}\"",
                           *target));
  }
  OMM_TRY(format, enum_arg(args, "format", kFrameFormats, "jpg"));
  OMM_TRY(interval, int_arg(args, "interval", 1, 86400000));
  OMM_TRY(num, int_arg(args, "num", 1, 100000));
  OMM_TRY(output, async_output(args, *target, vars));
  ordered_json call{{"source", source_json(*source)}, {"f", *format}};
  if (interval->has_value()) call["inter"] = **interval;
  if (num->has_value()) call["num"] = **num;
  call["output"] = *output;
  vars["source"] = *source;
  vars["target_key"] = *target;
  vars["format"] = *format;
  if (interval->has_value()) vars["interval"] = std::to_string(**interval);
  if (num->has_value()) vars["num"] = std::to_string(**num);
  vars["arguments"] = pretty(call);
  return vars;
}

// ---- present_result ---------------------------------------------------------------------------

// A scalar JSON value as text ("" for null, objects and arrays).
std::string scalar(const json& r, std::string_view name) {
  auto it = r.find(std::string(name));
  if (it == r.end() || it->is_null() || it->is_object() || it->is_array()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// A value placed in a table cell: no line breaks, no column separators.
std::string cell(std::string v) {
  std::string out;
  for (char c : v) {
    if (c == '\n' || c == '\r') {
      out.push_back(' ');
    } else if (c == '|') {
      out += "\\|";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool flag(const json& r, std::string_view name) {
  auto it = r.find(std::string(name));
  return it != r.end() && it->is_boolean() && it->get<bool>();
}

std::string first_text(const json& content) {
  if (!content.is_array()) return {};
  for (const auto& block : content) {
    if (block.is_object() && scalar(block, "type") == "text" && block.contains("text") &&
        block["text"].is_string()) {
      return block["text"].get<std::string>();
    }
  }
  return {};
}

std::string bullets(const json& items, bool code) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.push_back('\n');
    std::string v = item.is_string() ? item.get<std::string>() : item.dump();
    out += code ? fmt::format("- `{}`", v) : fmt::format("- {}", v);
  }
  return out;
}

Result<Vars> build_present_result(const json& args, const Template& tmpl) {
  OMM_TRY(text, required_arg(args, "result"));
  OMM_TRY(source_arg, text_arg(args, "source"));
  json parsed = json::parse(*text, nullptr, false);
  json r;
  std::string error_text;
  if (parsed.is_object()) {
    if (flag(parsed, "isError")) {
      error_text = parsed.contains("content") ? first_text(parsed["content"]) : std::string();
      if (error_text.empty()) error_text = "isError";
    } else if (parsed.contains("structuredContent") && parsed["structuredContent"].is_object()) {
      r = parsed["structuredContent"];
    } else if (parsed.contains("success")) {
      r = parsed;
    } else if (parsed.contains("content")) {
      json inner = json::parse(first_text(parsed["content"]), nullptr, false);
      if (inner.is_object()) r = inner;
    }
  } else if (parsed.is_discarded() && text->front() == '[' &&
             text->find(']') != std::string::npos) {
    error_text = *text;  // an error result's text: "[id] message"
  }
  if (error_text.empty() &&
      (!r.is_object() || !r.contains("success") || !r["success"].is_boolean())) {
    return bad(
        "result",
        "result must be the JSON text of an oss-media tool result (its structuredContent, with a "
        "boolean \"success\"), the whole CallToolResult, or an error text \"[id] message\"");
  }

  Vars vars;
  auto word = [&](const std::string& state) {
    auto it = tmpl.meta.find("status." + state);
    return it != tmpl.meta.end() ? it->second : state;
  };
  vars["source"] = cell(*source_arg);
  if (!error_text.empty()) {
    vars["status"] = word("failed");
    vars["error"] = cell(error_text);
    return vars;
  }
  std::string state;
  std::string status = scalar(r, "status");
  if (flag(r, "dry_run")) {
    state = "dry_run";
  } else if (status == "succeeded" || status == "running" || status == "failed" ||
             status == "canceled") {
    state = status;
  } else {
    state = r["success"].get<bool>() ? "succeeded" : "failed";
  }
  vars["status"] = word(state);
  vars["request_id"] = cell(scalar(r, "request_id"));
  std::string task_id = scalar(r, "task_id");
  std::string job_id = scalar(r, "job_id");
  vars["task_id"] = cell(task_id.empty() ? job_id : task_id);
  if (!task_id.empty() && job_id != task_id) vars["job_id"] = cell(job_id);
  if (vars["source"].empty()) {
    if (r.contains("source") && r["source"].is_object()) {
      vars["source"] = cell(scalar(r["source"], "key").empty() ? scalar(r["source"], "uri")
                                                               : scalar(r["source"], "key"));
    } else {
      vars["source"] = cell(scalar(r, "source"));
    }
  }
  std::string target = scalar(r, "target_key");
  std::string path = scalar(r, "path");
  for (const char* field : {"path", "target_key", "url_redacted", "url", "resource_uri"}) {
    std::string v = scalar(r, field);
    if (!v.empty()) {
      vars["output"] = cell(v);
      break;
    }
  }
  vars["operations"] = cell(scalar(r, "operations"));
  vars["size"] = cell(scalar(r, "size"));
  if (!target.empty()) {
    std::string bucket = scalar(r, "bucket");
    vars["oss_path"] = cell(bucket.empty() || scalar(r, "backend") == "local"
                                ? target
                                : fmt::format("oss://{}/{}", bucket, target));
  }
  vars["path"] = path;
  if (r.contains("generated_keys") && r["generated_keys"].is_array() &&
      !r["generated_keys"].empty()) {
    vars["generated_keys"] = bullets(r["generated_keys"], true);
    vars["generated_count"] = std::to_string(r["generated_keys"].size());
  }
  vars["resource_uri"] = scalar(r, "resource_uri");
  vars["process_string"] = scalar(r, "process_string");
  vars["saveas"] = scalar(r, "saveas");
  vars["category"] = scalar(r, "category");
  std::string job = job_id.empty() ? task_id : job_id;
  if (state == "running" && !job.empty()) {
    vars["running"] = "1";
    vars["job_status_args"] = ordered_json{{"job_id", job}, {"wait_seconds", 60}}.dump();
  }
  if (r.contains("validation_warnings") && r["validation_warnings"].is_array() &&
      !r["validation_warnings"].empty()) {
    vars["validation_warnings"] = bullets(r["validation_warnings"], false);
  }
  if (r.contains("metadata") && r["metadata"].is_object() && !r["metadata"].empty()) {
    vars["metadata"] = r["metadata"].dump(2);
  }
  if (r.contains("data") && !r["data"].is_null()) vars["data"] = r["data"].dump(2);
  if (scalar(r, "backend") == "local") vars["backend_local"] = "1";
  return vars;
}

#undef OMM_TRY

// ---- registration -----------------------------------------------------------------------------

struct PromptDef {
  std::string name;
  std::vector<mcp::PromptArgument> arguments;  // `language` is appended
  std::map<std::string, Strings, std::less<>> completions;
  std::function<Result<Vars>(const json&, const Template&)> build;
};

Result<Template> load_template(std::string_view name, std::string_view language) {
  std::string path = fmt::format("{}/{}.md", language, name);
  auto text = embedded::find(embedded::prompt_files(), path);
  if (!text) {
    return Status::error("internal.prompt.template",
                         fmt::format("the template prompts/{} is not compiled in", path));
  }
  return prompt_detail::parse_template(*text);
}

std::string meta_of(const Result<Template>& t, const char* key) {
  if (!t.ok()) return {};
  auto it = t->meta.find(key);
  return it == t->meta.end() ? std::string() : it->second;
}

std::vector<PromptDef> definitions() {
  const mcp::PromptArgument source{
      "source",
      "Object key in the bucket (e.g. images/a.jpg), or an absolute local "
      "path / http(s) URL",
      true};
  const mcp::PromptArgument path{"path",
                                 "Local file to download the result to (only when the user wants a "
                                 "local copy); relative = inside the server's output directory",
                                 false};
  const mcp::PromptArgument save_key{"target_key",
                                     "Object key to save the result to (保存 without a local "
                                     "destination); omit both target_key and path for a link",
                                     false};
  std::vector<PromptDef> defs;
  defs.push_back(
      {"present_result",
       {{"result", "The tool result JSON text (structuredContent, or the whole result)", true},
        {"source", "The source key or uri of the tool call, shown as Source", false}},
       {},
       build_present_result});
  defs.push_back(
      {"make_thumbnail",
       {source,
        {"width", "Thumbnail width in px (1..16384)", true},
        {"height", "Height in px (1..16384); only if the user gave one", false},
        {"resize_mode", "m: lfit, mfit, fill, pad or fixed; only if the user asked", false},
        {"format", "Output format: jpg, png, webp, …; only if the user asked", false},
        save_key,
        path},
       {{"resize_mode", kResizeModes}, {"format", kImageFormats}},
       build_make_thumbnail});
  defs.push_back(
      {"transcode_video",
       {source,
        {"target_key", "Object key of the result, e.g. videos/out.mp4", true},
        {"format", "Container f (default: the target_key extension, else mp4)", false},
        {"vcodec", "Video codec: h264 (default), h265 or vp9", false},
        {"resolution", "s, WxH, e.g. 1280x720", false},
        {"bitrate", "Video bitrate vb in bit/s (2000000, 2M or 2000k)", false},
        {"fps", "Frame rate", false},
        {"acodec", "Audio codec, e.g. aac", false},
        {"path", "Also download the result to this local file when done", false}},
       {{"format", kVideoContainers}, {"vcodec", kVideoCodecs}, {"acodec", kAudioCodecs}},
       build_transcode_video});
  defs.push_back({"add_watermark",
                  {source,
                   {"text", "Watermark text (at most 64 bytes)", true},
                   {"position", "g: nw, north, ne, west, center, east, sw, south, se", false},
                   {"size", "Font size in px (1..1000)", false},
                   {"opacity", "t: opacity 0..100", false},
                   save_key,
                   path},
                  {{"position", kGravity}},
                  build_add_watermark});
  defs.push_back({"detect_faces", {source}, {}, build_detect_faces});
  defs.push_back({"extract_frames",
                  {source,
                   {"target_key", "Key prefix without extension, e.g. videos/frames/f", true},
                   {"format", "Frame format: jpg (default) or png", false},
                   {"interval", "inter: milliseconds between frames", false},
                   {"num", "Number of frames", false},
                   {"path", "Also download the frames into this local directory when done", false}},
                  {{"format", kFrameFormats}},
                  build_extract_frames});
  for (auto& d : defs) {
    d.arguments.push_back({"language", "Reply language: zh (default) or en", false});
    d.completions["language"] = kLanguages;
  }
  return defs;
}

}  // namespace

void register_prompts(mcp::Server& server) {
  for (PromptDef def : definitions()) {
    auto en = load_template(def.name, "en");
    auto zh = load_template(def.name, "zh");
    mcp::PromptSpec spec;
    spec.name = def.name;
    spec.title = meta_of(en, "title");
    std::string en_desc = meta_of(en, "description");
    std::string zh_desc = meta_of(zh, "description");
    spec.description = zh_desc.empty() ? en_desc : fmt::format("{} / {}", en_desc, zh_desc);
    spec.arguments = def.arguments;
    auto build = def.build;
    std::string name = def.name;
    spec.get = [name, build](const json& args) -> Result<json> {
      auto language = language_arg(args);
      if (!language.ok()) return language.status();
      auto tmpl = load_template(name, *language);
      if (!tmpl.ok()) return tmpl.status();
      auto vars = build(args, *tmpl);
      if (!vars.ok()) return vars.status();
      (*vars)["language"] = *language;
      std::string text = prompt_detail::render(tmpl->body, *vars);
      auto desc = tmpl->meta.find("description");
      return json{
          {"description", desc == tmpl->meta.end() ? std::string() : desc->second},
          {"messages",
           json::array({{{"role", "user"}, {"content", {{"type", "text"}, {"text", text}}}}})}};
    };
    auto completions = def.completions;
    spec.complete = [completions](std::string_view argument, std::string_view prefix) {
      Strings out;
      auto it = completions.find(argument);
      if (it == completions.end()) return out;
      for (const auto& v : it->second) {
        if (v.rfind(prefix, 0) == 0) out.push_back(v);
      }
      return out;
    };
    server.prompts().add(std::move(spec));
  }
}

}  // namespace omm::tools
