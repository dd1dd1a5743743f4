// The compiled-in schemas (schemas/, tools/gen_schemas.py): every DESIGN.md tool has a validation,
// a published and an output schema; published forms follow the host rules; validation schemas
// compile with valijson and accept or refuse a table of argument sets.

// GCC 12 reports a false -Wrestrict inside std::string when inlining valijson's JSON-pointer code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "argument_cases.h"
#include "core/embedded.h"

// valijson's CMake package builds with exceptions on; keep every translation unit alike.
#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

namespace {

using nlohmann::json;
using omm::embedded::File;

const std::vector<std::string> kTools = {
    "image_process",   "image_inspect",  "image_detect",    "image_watermark_extract",
    "video_transcode", "video_snapshot", "video_frames",    "video_sprite",
    "video_animation", "media_concat",   "media_info",      "audio_transcode",
    "hls_playlist",    "object_upload",  "object_download", "object_list",
    "object_head",     "job_status",     "imm_setup",       "doctor",
    "batch_process"};

json parse_file(std::span<const File> files, const std::string& path) {
  auto text = omm::embedded::find(files, path);
  REQUIRE_MESSAGE(text.has_value(), "missing embedded file " << path);
  json j = json::parse(*text, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), path << " is not JSON");
  return j;
}

// Collects every object key anywhere in a document (names inside "properties" included).
void collect_keys(const json& j, std::set<std::string>& keys) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      keys.insert(it.key());
      collect_keys(it.value(), keys);
    }
  } else if (j.is_array()) {
    for (const json& e : j) collect_keys(e, keys);
  }
}

// The dotted field path of a valijson error ("<root>", "[output]", "[path]" -> "output.path"),
// array indices dropped: the same path the error ids use.
std::string dotted(const std::vector<std::string>& context) {
  std::string out;
  for (const std::string& c : context) {
    if (c == "<root>") continue;
    std::string s = c;
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) continue;
    if (!out.empty()) out += '.';
    out += s;
  }
  return out;
}

// Compiles schemas once per document; $refs such as "common/source.json#/..." are fetched from
// omm::embedded::schema_files().
class Compiled {
 public:
  const valijson::Schema& validation(const std::string& tool) {
    return get(validation_, tool, parse_file(omm::embedded::schema_files(), tool + ".json"));
  }
  const valijson::Schema& published(const std::string& tool) {
    return get(published_, tool, parse_file(omm::embedded::published_schemas(), tool + ".json"));
  }
  const valijson::Schema& output(const std::string& tool) {
    return get(output_, tool, parse_file(omm::embedded::output_schemas(), tool + ".json"));
  }

 private:
  static const valijson::Schema& get(
      std::map<std::string, std::unique_ptr<valijson::Schema>>& cache, const std::string& name,
      const json& doc) {
    auto it = cache.find(name);
    if (it != cache.end()) return *it->second;
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    auto fetch = [](const std::string& uri) -> const json* {
      auto text = omm::embedded::find(omm::embedded::schema_files(), uri);
      if (!text) return nullptr;
      return new json(json::parse(*text));
    };
    auto free_doc = [](const json* doc) { delete doc; };
    parser.populateSchema(adapter, *schema, fetch, free_doc);
    return *cache.emplace(name, std::move(schema)).first->second;
  }

  std::map<std::string, std::unique_ptr<valijson::Schema>> validation_, published_, output_;
};

Compiled& compiled() {
  static Compiled c;
  return c;
}

struct Outcome {
  bool ok = false;
  std::vector<std::string> paths;  // dotted paths of the errors
  std::string text;                // every error, for failure messages
};

Outcome validate(const valijson::Schema& schema, const json& instance) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(instance);
  Outcome out;
  out.ok = validator.validate(schema, target, &results);
  valijson::ValidationResults::Error error;
  const std::string kProperty = "property name '";
  while (results.popError(error)) {
    std::string path = dotted(error.context);
    out.paths.push_back(path);
    out.text += "  [" + path + "] " + error.description + "\n";
    // A property refused by a `false` schema reports at its parent and names the property.
    size_t at = error.description.find(kProperty);
    if (at != std::string::npos) {
      size_t start = at + kProperty.size();
      size_t end = error.description.find('\'', start);
      std::string name = error.description.substr(start, end - start);
      out.paths.push_back(path.empty() ? name : path + "." + name);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("schemas: every DESIGN tool has a validation, a published and an output schema") {
  std::set<std::string> published, outputs, validation;
  for (const File& f : omm::embedded::published_schemas()) published.insert(std::string(f.path));
  for (const File& f : omm::embedded::output_schemas()) outputs.insert(std::string(f.path));
  for (const File& f : omm::embedded::schema_files()) {
    std::string p(f.path);
    if (p.find('/') == std::string::npos) validation.insert(p);
  }
  std::set<std::string> expected;
  for (const std::string& t : kTools) expected.insert(t + ".json");
  CHECK(validation == expected);
  CHECK(published == expected);
  CHECK(outputs == expected);
}

TEST_CASE("schemas: every file under schemas/ is listed in schemas/meson.build") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(OMM_SOURCE_ROOT) / "schemas";
  std::set<std::string> on_disk, embedded;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      on_disk.insert(fs::relative(entry.path(), root).generic_string());
    }
  }
  for (const File& f : omm::embedded::schema_files()) embedded.insert(std::string(f.path));
  CHECK(on_disk == embedded);
}

TEST_CASE("schemas: published schemas follow the host rules") {
  for (const std::string& tool : kTools) {
    CAPTURE(tool);
    json pub = parse_file(omm::embedded::published_schemas(), tool + ".json");
    json val = parse_file(omm::embedded::schema_files(), tool + ".json");
    CHECK(pub.value("type", "") == "object");
    REQUIRE(pub.contains("properties"));
    CHECK(pub["properties"].is_object());
    REQUIRE(pub.contains("required"));
    CHECK(pub["required"].is_array());
    REQUIRE(pub.contains("additionalProperties"));
    CHECK(pub["additionalProperties"] == false);
    for (const char* kw :
         {"allOf", "anyOf", "oneOf", "if", "then", "else", "not", "dependencies"}) {
      CHECK_MESSAGE(!pub.contains(kw), "root combinator " << kw);
    }
    std::set<std::string> keys;
    collect_keys(pub, keys);
    for (const char* kw : {"$schema", "$ref", "$defs", "definitions", "$id", "$comment"}) {
      CHECK_MESSAGE(keys.count(kw) == 0, "published form contains " << kw);
    }
    for (const std::string& k : keys)
      CHECK_MESSAGE(k.rfind("x-", 0) != 0, "published form contains " << k);
    // Same arguments as the validation schema; the description carries the rules in words.
    std::set<std::string> pub_props, val_props;
    for (auto it = pub["properties"].begin(); it != pub["properties"].end(); ++it)
      pub_props.insert(it.key());
    for (auto it = val["properties"].begin(); it != val["properties"].end(); ++it)
      val_props.insert(it.key());
    CHECK(pub_props == val_props);
    CHECK(pub["required"] == val["required"]);
    const std::string description = pub.value("description", "");
    CHECK(!description.empty());
    CHECK(description.size() <= 2000);  // bytes; ~1200 characters of mixed English and Chinese
    for (const json& rule : val.value("x-rules", json::array())) {
      CHECK_MESSAGE(description.find(rule.get<std::string>()) != std::string::npos,
                    "rule not in description");
    }
  }
}

TEST_CASE("schemas: tools carry a title and all four annotations") {
  const std::set<std::string> read_only = {"image_inspect", "image_detect", "media_info",
                                           "hls_playlist",  "object_list",  "object_head",
                                           "doctor"};
  for (const std::string& tool : kTools) {
    CAPTURE(tool);
    json val = parse_file(omm::embedded::schema_files(), tool + ".json");
    CHECK(val.value("$schema", "") == "http://json-schema.org/draft-07/schema#");
    CHECK(!val.value("x-title", "").empty());
    REQUIRE(val.contains("x-annotations"));
    const json& a = val["x-annotations"];
    CHECK(a.size() == 4);
    for (const char* hint :
         {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}) {
      REQUIRE_MESSAGE(a.contains(hint), hint);
      CHECK(a[hint].is_boolean());
    }
    CHECK(a["readOnlyHint"].get<bool>() == (read_only.count(tool) == 1));
    if (a["readOnlyHint"].get<bool>()) CHECK(a["destructiveHint"] == false);
  }
}

TEST_CASE("schemas: validation schemas avoid keywords valijson 1.0 ignores") {
  for (const File& f : omm::embedded::schema_files()) {
    const std::string path(f.path);
    CAPTURE(path);
    json j = json::parse(f.content, nullptr, false);
    REQUIRE(!j.is_discarded());
    std::string text(f.content);
    for (const char* kw :
         {"\"unevaluatedProperties\"", "\"dependentRequired\"", "\"prefixItems\"", "\"$defs\""}) {
      CHECK_MESSAGE(text.find(kw) == std::string::npos, kw);
    }
  }
}

TEST_CASE("schemas: common definitions are unique and key rules agree") {
  // valijson caches subschemas of fetched documents by JSON pointer only, so names must not repeat.
  std::map<std::string, std::string> owner;
  for (const File& f : omm::embedded::schema_files()) {
    std::string path(f.path);
    if (path.rfind("common/", 0) != 0) continue;
    json j = json::parse(f.content);
    for (auto it = j["definitions"].begin(); it != j["definitions"].end(); ++it) {
      CHECK_MESSAGE(owner.count(it.key()) == 0,
                    it.key() << " in " << path << " and " << owner[it.key()]);
      owner[it.key()] = path;
    }
  }
  json source = parse_file(omm::embedded::schema_files(), "common/source.json");
  json output = parse_file(omm::embedded::schema_files(), "common/output.json");
  const json& key = source["definitions"]["object_key"];
  const json& target = output["definitions"]["target_key"];
  CHECK(key["pattern"] == target["pattern"]);
  CHECK(key["maxLength"] == target["maxLength"]);
  CHECK(key["minLength"] == target["minLength"]);
}

TEST_CASE("schemas: every schema compiles with valijson") {
  for (const std::string& tool : kTools) {
    CAPTURE(tool);
    CHECK_NOTHROW(compiled().validation(tool));
    CHECK_NOTHROW(compiled().published(tool));
    CHECK_NOTHROW(compiled().output(tool));
  }
}

TEST_CASE("schemas: output schemas are self-contained and accept real result shapes") {
  for (const std::string& tool : kTools) {
    CAPTURE(tool);
    json out = parse_file(omm::embedded::output_schemas(), tool + ".json");
    CHECK(out.value("type", "") == "object");
    std::set<std::string> keys;
    collect_keys(out, keys);
    for (const char* kw : {"$schema", "$ref", "$defs", "definitions"}) CHECK(keys.count(kw) == 0);
    REQUIRE(out["properties"].contains("success"));
    CHECK(out["properties"]["success"]["type"] == "boolean");
    const valijson::Schema& schema = compiled().output(tool);
    // Shapes from DESIGN.md "Results", including fields a tool may add.
    const json shapes[] = {
        json::parse(
            R"({"success":true,"backend":"oss","operations":"image/resize,w_600","request_id":"5F1A"})"),
        json::parse(R"({"success":true,"backend":"local","request_id":"local-1","mode":"download",
                        "path":"/tmp/out/a.webp","size":1234,"metadata":{"width":600,"format":"webp"}})"),
        json::parse(
            R"({"success":true,"dry_run":true,"operations":"video/convert,f_mp4","process_string":"video/convert,f_mp4",
                        "saveas":"sys/saveas,o_dg,b_Yg","category":"async"})"),
        json::parse(
            R"({"success":true,"backend":"oss","status":"running","job_id":"j-1","task_id":"t-1","request_id":null})"),
        json::parse(
            R"({"success":true,"backend":"oss","data":{"ImageWidth":{"value":"600"}},"extra_field":[1,2]})"),
        json::parse(
            R"({"success":true,"backend":"local","data":"0x5c783a","validation_warnings":["fps differs"]})"),
        json::parse(
            R"({"success":false,"backend":"oss","error":{"id":"object.NoSuchKey","message":"…"}})"),
    };
    for (const json& shape : shapes) {
      Outcome o = validate(schema, shape);
      CHECK_MESSAGE(o.ok, shape.dump() << "\n" << o.text);
    }
    const json wrong[] = {
        json::parse(R"({"backend":"oss"})"),
        json::parse(R"({"success":"yes"})"),
        json::parse(R"({"success":true,"backend":"cloud"})"),
    };
    for (const json& shape : wrong) CHECK_MESSAGE(!validate(schema, shape).ok, shape.dump());
  }
}

namespace {
using omm::testing::Case;
using omm::testing::kCases;
}  // namespace

TEST_CASE("schemas: argument table") {
  CHECK(std::size(kCases) >= 80);
  for (const Case& c : kCases) {
    const std::string tool = c.tool, text = c.args;
    CAPTURE(tool);
    CAPTURE(text);
    json args = json::parse(c.args, nullptr, false);
    REQUIRE(!args.is_discarded());
    Outcome o = validate(compiled().validation(c.tool), args);
    if (c.valid) {
      CHECK_MESSAGE(o.ok, o.text);
      // The published form drops only rules, so it accepts everything the validation schema
      // accepts.
      Outcome p = validate(compiled().published(c.tool), args);
      CHECK_MESSAGE(p.ok, "published form refuses a valid call:\n" << p.text);
    } else {
      REQUIRE_FALSE(o.ok);
      bool found = false;
      for (const std::string& path : o.paths) found = found || path == c.where;
      CHECK_MESSAGE(found, "expected an error at '" << std::string(c.where) << "', got:\n"
                                                    << o.text);
    }
  }
}
