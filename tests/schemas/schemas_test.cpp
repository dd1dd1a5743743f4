// The compiled-in schemas (schemas/, tools/gen_schemas.py): every DESIGN.md tool has a validation, a
// published and an output schema; published forms follow the host rules; validation schemas compile
// with valijson and accept or refuse a table of argument sets.

// GCC 12 reports a false -Wrestrict inside std::string when inlining valijson's JSON-pointer code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "core/embedded.h"

// valijson's CMake package builds with exceptions on; keep every translation unit alike.
#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using omm::embedded::File;

const std::vector<std::string> kTools = {
    "image_process",  "image_inspect",   "image_detect", "image_watermark_extract", "video_transcode",
    "video_snapshot", "video_frames",    "video_sprite", "video_animation",         "media_concat",
    "media_info",     "audio_transcode", "hls_playlist", "object_upload",           "object_download",
    "object_list",    "object_head",     "job_status",   "imm_setup",               "doctor"};

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

// The dotted field path of a valijson error ("<root>", "[output]", "[path]" -> "output.path"), array
// indices dropped: the same path the error ids use.
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
  static const valijson::Schema& get(std::map<std::string, std::unique_ptr<valijson::Schema>>& cache,
                                     const std::string& name, const json& doc) {
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
    for (const char* kw : {"allOf", "anyOf", "oneOf", "if", "then", "else", "not", "dependencies"}) {
      CHECK_MESSAGE(!pub.contains(kw), "root combinator " << kw);
    }
    std::set<std::string> keys;
    collect_keys(pub, keys);
    for (const char* kw : {"$schema", "$ref", "$defs", "definitions", "$id", "$comment"}) {
      CHECK_MESSAGE(keys.count(kw) == 0, "published form contains " << kw);
    }
    for (const std::string& k : keys) CHECK_MESSAGE(k.rfind("x-", 0) != 0, "published form contains " << k);
    // Same arguments as the validation schema; the description carries the rules in words.
    std::set<std::string> pub_props, val_props;
    for (auto it = pub["properties"].begin(); it != pub["properties"].end(); ++it) pub_props.insert(it.key());
    for (auto it = val["properties"].begin(); it != val["properties"].end(); ++it) val_props.insert(it.key());
    CHECK(pub_props == val_props);
    CHECK(pub["required"] == val["required"]);
    const std::string description = pub.value("description", "");
    CHECK(!description.empty());
    CHECK(description.size() <= 2000);  // bytes; ~1200 characters of mixed English and Chinese
    for (const json& rule : val.value("x-rules", json::array())) {
      CHECK_MESSAGE(description.find(rule.get<std::string>()) != std::string::npos, "rule not in description");
    }
  }
}

TEST_CASE("schemas: tools carry a title and all four annotations") {
  const std::set<std::string> read_only = {"image_inspect", "image_detect", "media_info", "hls_playlist",
                                           "object_list",   "object_head",  "doctor"};
  for (const std::string& tool : kTools) {
    CAPTURE(tool);
    json val = parse_file(omm::embedded::schema_files(), tool + ".json");
    CHECK(val.value("$schema", "") == "http://json-schema.org/draft-07/schema#");
    CHECK(!val.value("x-title", "").empty());
    REQUIRE(val.contains("x-annotations"));
    const json& a = val["x-annotations"];
    CHECK(a.size() == 4);
    for (const char* hint : {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}) {
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
    for (const char* kw : {"\"unevaluatedProperties\"", "\"dependentRequired\"", "\"prefixItems\"", "\"$defs\""}) {
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
      CHECK_MESSAGE(owner.count(it.key()) == 0, it.key() << " in " << path << " and " << owner[it.key()]);
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
        json::parse(R"({"success":true,"backend":"oss","operations":"image/resize,w_600","request_id":"5F1A"})"),
        json::parse(R"({"success":true,"backend":"local","request_id":"local-1","mode":"download",
                        "path":"/tmp/out/a.webp","size":1234,"metadata":{"width":600,"format":"webp"}})"),
        json::parse(R"({"success":true,"dry_run":true,"operations":"video/convert,f_mp4","process_string":"video/convert,f_mp4",
                        "saveas":"sys/saveas,o_dg,b_Yg","category":"async"})"),
        json::parse(R"({"success":true,"backend":"oss","status":"running","job_id":"j-1","task_id":"t-1","request_id":null})"),
        json::parse(R"({"success":true,"backend":"oss","data":{"ImageWidth":{"value":"600"}},"extra_field":[1,2]})"),
        json::parse(R"({"success":true,"backend":"local","data":"0x5c783a","validation_warnings":["fps differs"]})"),
        json::parse(R"({"success":false,"backend":"oss","error":{"id":"oss.NoSuchKey","message":"…"}})"),
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

struct Case {
  const char* tool;
  const char* args;
  bool valid;
  const char* where;  // invalid cases: the dotted path of one expected error ("" = the root)
};

// clang-format off
const Case kCases[] = {
  // image_process: valid
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":600,"m":"lfit"},
      {"op":"watermark","text":"© 2026","g":"se","t":60,"size":30},{"op":"rotate","value":90},
      {"op":"quality","Q":80},{"op":"format","value":"webp"}],"output":{"mode":"download","path":"a.webp"}})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","p":50}]})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"crop","w":200,"h":200,"g":"center"}],
      "output":{"mode":"save","target_key":"out/c.jpg"},"verify":true})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":100},
      {"op":"blindwatermark","content":"© ACME","s":"medium"}],"output":{"mode":"save","target_key":"out/m.jpg"}})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"format","value":"jpeg"}],
      "output":{"mode":"url","expires":600}})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","image":"logo.png","text":"Hi",
      "order":1,"align":1,"interval":10,"type":"wqy-zenhei","color":"FF0000","shadow":50,"rotate":30}]})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"auto-orient"},{"op":"interlace","value":1},
      {"op":"sharpen","value":100},{"op":"bright","value":-30},{"op":"contrast","value":20},{"op":"circle","r":100},
      {"op":"rounded-corners","r":20},{"op":"flip","value":2},{"op":"indexcrop","x":100,"i":0},
      {"op":"blur","r":5,"s":3,"g":"faces","p":200}],"dry_run":true})", true, ""},
  {"image_process", R"({"source":{"uri":"/data/in/a.png"},"operations":[{"op":"resize","l":1024}],
      "output":{"mode":"download","path":"a.png"}})", true, ""},
  {"image_process", R"({"source":{"uri":"https://example.com/a.png"},"operations":[{"op":"quality","q":80}],
      "output":{"mode":"save","target_key":"out/a.png"},"no_download":true})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"DRAFT","fill":1,"padx":10,
      "pady":10,"voffset":-5}],"bucket":"my-bucket","region":"cn-hangzhou"})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"rotate","value":0},{"op":"rotate","value":360}]})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":400,"h":300,"m":"pad",
      "color":"F5F5F5","limit":0}],"no_download":true})", true, ""},
  // image_process: invalid
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":0}]})", false, "operations.w"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":16385}]})", false, "operations.w"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10,"m":"abc"}]})", false, "operations.m"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","m":"lfit"}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","rw":10}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","shadow":101}]})", false, "operations.shadow"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","g":"se"}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","image":"logo.png","size":30}]})", false, "operations.size"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","tile":1}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","type":"arial"}]})", false, "operations.type"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"rotate","value":400}]})", false, "operations.value"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"rotate","angle":90}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"format","value":"jpe"}]})", false, "operations.value"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"quality","q":80,"Q":80}]})", false, "operations.Q"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"quality","Q":0}]})", false, "operations.Q"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"output":{"mode":"download"}})", false, "output"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"output":{"mode":"save"}})", false, "output"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"output":{"mode":"url","path":"a.jpg"}})", false, "output.path"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],
      "output":{"mode":"save","target_key":"o.jpg","path":"a.jpg"}})", false, "output.path"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"no_download":true,
      "output":{"mode":"download","path":"a.jpg"}})", false, "output.mode"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}]})", true, ""},
  {"image_process", R"({"source":{"uri":"/data/a.jpg"},"operations":[{"op":"resize","w":10}]})", false, ""},
  {"image_process", R"({"source":{"uri":"/data/a.jpg"},"operations":[{"op":"resize","w":10}],"output":{"mode":"url"}})", false, "output.mode"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","content":"x"}],"output":{"mode":"url"}})", false, "output.mode"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","content":"x"}]})", false, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","s":"high"}],
      "output":{"mode":"save","target_key":"o.jpg"}})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","content":"a","s":"ultra"}],
      "output":{"mode":"save","target_key":"o.jpg"}})", false, "operations.s"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"bogus"}]})", false, "operations.op"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"info"}]})", false, "operations.op"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"w":10}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg","uri":"/a.jpg"},"operations":[{"op":"resize","w":10}]})", false, "source"},
  {"image_process", R"({"source":{"key":"/in/a.jpg"},"operations":[{"op":"resize","w":10}]})", false, "source.key"},
  {"image_process", R"({"source":{"key":"in/../a.jpg"},"operations":[{"op":"resize","w":10}]})", false, "source.key"},
  {"image_process", R"({"source":{"uri":"relative/a.jpg"},"operations":[{"op":"resize","w":10}],
      "output":{"mode":"download","path":"a.jpg"}})", false, "source.uri"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"output":{"mode":"url","expires":604801}})", false, "output.expires"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"output":{"mode":"url","expires":0}})", false, "output.expires"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"wait_seconds":10})", false, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"flip","value":3}]})", false, "operations.value"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","padx":10}]})", false, "operations.padx"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","order":1}]})", false, "operations.order"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blur","r":5,"s":5,"p":100}]})", false, "operations.p"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"quality"}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blur","r":5}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"sharpen","value":49}]})", false, "operations.value"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"crop","w":10,"h":10,"g":"centre"}]})", false, "operations.g"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"crop","w":0,"h":300,"g":"c"},{"op":"crop","g":"face","p":150}]})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"crop"}]})", false, "operations"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"crop","w":10,"p":150}]})", false, "operations.p"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","image":"logo.png","preprocess":"resize,P_20/rotate,90",
      "g":"s","t":80}]})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","image":"logo.png","preprocess":"circle,r_10"}]})", false, "operations.preprocess"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","text":"a","preprocess":"resize,P_20"}]})", false, "operations.preprocess"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"watermark","image":"../logo.png"}]})", false, "operations.image"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"blindwatermark","content":"x"}],
      "output":{"mode":"download","path":"m.jpg"}})", true, ""},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"indexcrop","x":10,"y":10}]})", false, "operations.y"},
  {"image_process", R"({"source":{"key":"in/a.jpg"},"operations":[{"op":"resize","w":10}],"bucket":"Bad_Bucket"})", false, "bucket"},
  {"image_process", R"({"operations":[{"op":"resize","w":10}]})", false, ""},

  // image_inspect / image_detect / image_watermark_extract / media_info
  {"image_inspect", R"({"source":{"key":"in/a.jpg"},"what":"info"})", true, ""},
  {"image_inspect", R"({"source":{"uri":"/data/a.jpg"},"what":"average-hue","dry_run":true})", true, ""},
  {"image_inspect", R"({"source":{"key":"in/a.jpg"},"what":"faces"})", false, "what"},
  {"image_inspect", R"({"source":{"key":"in/a.jpg"},"what":"info","output":{"mode":"url"}})", false, ""},
  {"image_inspect", R"({"source":{"key":"in/a.jpg"}})", false, ""},
  {"image_detect", R"({"source":{"key":"in/a.jpg"},"detect":"faces"})", true, ""},
  {"image_detect", R"({"source":{"key":"in/a.jpg"},"detect":"codes","dry_run":true,"region":"cn-shanghai"})", true, ""},
  {"image_detect", R"({"source":{"key":"in/a.jpg"},"detect":"face"})", false, "detect"},
  {"image_detect", R"({"source":{"key":"in/a.jpg"},"detect":"faces","operations":[]})", false, ""},
  {"image_watermark_extract", R"({"source":{"key":"out/marked.jpg"},"s":"medium","wait_seconds":45})", true, ""},
  {"image_watermark_extract", R"({"source":{"key":"out/marked.jpg"}})", true, ""},
  {"image_watermark_extract", R"({"source":{"key":"out/marked.jpg"},"s":"middle"})", false, "s"},
  {"image_watermark_extract", R"({"source":{"key":"out/marked.jpg"},"wait_seconds":601})", false, "wait_seconds"},
  {"image_watermark_extract", R"({"source":{"key":"out/marked.jpg"},"model":"FFT"})", false, ""},
  {"media_info", R"({"source":{"key":"v/in.mp4"},"kind":"video"})", true, ""},
  {"media_info", R"({"source":{"uri":"/data/a.wav"},"kind":"audio"})", true, ""},
  {"media_info", R"({"source":{"key":"v/in.mp4"},"kind":"image"})", false, "kind"},
  {"media_info", R"({"source":{"key":"v/in.mp4"}})", false, ""},

  // video_transcode
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","s":"1280x720","vb":2000000,"fps":30,
      "acodec":"aac","ab":128000,"output":{"mode":"save","target_key":"v/out.mp4","path":"out.mp4"}})", true, ""},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","output":{"target_key":"v/out.mp4"},"wait_seconds":0})", true, ""},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp3","vn":1,"vcodec":"copy","output":{"target_key":"a/out.mp3"}})", true, ""},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","fps":29.97,"output":{"target_key":"v/o.mp4"}})", false, "fps"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","videoslim":1,"output":{"target_key":"v/o.mp4"}})", false, "videoslim"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mkv","vcodec":"h265","crf":23,"fps":30,"ss":0,"t":0,
      "output":{"mode":"save","target_key":"v/o.mkv"},"verify":true,"no_download":true})", true, ""},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vb":2000000,"output":{"target_key":"v/o.mp4"}})", false, "vb"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"copy","s":"1280x720","output":{"target_key":"v/o.mp4"}})", false, "s"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264"})", false, ""},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","output":{"mode":"url","target_key":"v/o.mp4"}})", false, "output.mode"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","output":{"mode":"save"}})", false, "output"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","vb":5,"output":{"target_key":"v/o.mp4"}})", false, "vb"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","s":"1280*720","output":{"target_key":"v/o.mp4"}})", false, "s"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","no_download":true,"output":{"target_key":"v/o.mp4","path":"o.mp4"}})", false, "output.path"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp5","output":{"target_key":"v/o.mp4"}})", false, "f"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","vcodec":"h264","crf":52,"output":{"target_key":"v/o.mp4"}})", false, "crf"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","output":{"target_key":"v/o.mp4","expires":60}})", false, "output"},
  {"video_transcode", R"({"source":{"key":"v/in.mov"},"f":"mp4","gop":30,"output":{"target_key":"v/o.mp4"}})", false, ""},

  // video_snapshot
  {"video_snapshot", R"({"source":{"key":"v/in.mp4"},"t":2000,"f":"jpg","w":800,"m":"fast","output":{"mode":"url"}})", true, ""},
  {"video_snapshot", R"({"source":{"key":"v/in.mp4"},"t":0,"f":"png","w":0,"h":0,"output":{"mode":"download","path":"f.png"}})", true, ""},
  {"video_snapshot", R"({"source":{"uri":"/data/v.mp4"},"t":1000,"f":"jpg","ar":"auto","output":{"mode":"save","target_key":"v/s.jpg"}})", true, ""},
  {"video_snapshot", R"({"source":{"key":"v/in.mp4"},"t":-1,"f":"jpg"})", false, "t"},
  {"video_snapshot", R"({"source":{"key":"v/in.mp4"},"t":0,"f":"gif"})", false, "f"},
  {"video_snapshot", R"({"source":{"key":"v/in.mp4"},"f":"jpg"})", false, ""},
  {"video_snapshot", R"({"source":{"key":"v/in.mp4"},"t":0,"f":"jpg","m":"exact"})", false, "m"},
  {"video_snapshot", R"({"source":{"uri":"/data/v.mp4"},"t":0,"f":"jpg","output":{"mode":"url"}})", false, "output.mode"},
  {"video_snapshot", R"({"source":{"key":"v/in.mp4"},"t":0,"f":"jpg","output":{"mode":"download"}})", false, "output"},

  // video_frames / video_sprite / video_animation
  {"video_frames", R"({"source":{"key":"v/in.mp4"},"f":"jpg","inter":1000,"num":10,"output":{"mode":"save","target_key":"v/frames/f"}})", true, ""},
  {"video_frames", R"({"source":{"key":"v/in.mp4"},"f":"png","m":"dhash","thr":50,"w":320,"h":180,
      "output":{"target_key":"v.dir/frames/f","path":"frames/"}})", true, ""},
  {"video_frames", R"({"source":{"key":"v/in.mp4"},"f":"jpg","output":{"target_key":"v/frames/f.jpg"}})", false, "output.target_key"},
  {"video_frames", R"({"source":{"key":"v/in.mp4"},"f":"jpg","w":16,"output":{"target_key":"v/frames/f"}})", false, "w"},
  {"video_frames", R"({"source":{"key":"v/in.mp4"},"f":"jpg"})", false, ""},
  {"video_frames", R"({"source":{"key":"v/in.mp4"},"f":"jpg","output":{"mode":"download","target_key":"v/f"}})", false, "output.mode"},
  {"video_sprite", R"({"source":{"key":"v/in.mp4"},"f":"jpg","sw":160,"sh":90,"tw":5,"th":5,"num":25,
      "output":{"mode":"save","target_key":"v/sprite.jpg"}})", true, ""},
  {"video_sprite", R"({"source":{"key":"v/in.mp4"},"f":"jpg","tw":101,"output":{"target_key":"v/s.jpg"}})", false, "tw"},
  {"video_sprite", R"({"source":{"key":"v/in.mp4"},"f":"jpg","pad":101,"output":{"target_key":"v/s.jpg"}})", false, "pad"},
  {"video_sprite", R"({"source":{"key":"v/in.mp4"},"f":"webp","output":{"target_key":"v/s.jpg"}})", false, "f"},
  {"video_sprite", R"({"source":{"key":"v/in.mp4"},"f":"png","inter":10000,"output":{"target_key":"v/s.png"}})", true, ""},
  {"video_sprite", R"({"source":{"key":"v/in.mp4"},"f":"png","output":{"target_key":"v/s.png"}})", false, ""},
  {"video_animation", R"({"source":{"key":"v/in.mp4"},"f":"gif","w":480,"inter":500,"num":20,
      "output":{"mode":"save","target_key":"v/a.gif"}})", true, ""},
  {"video_animation", R"({"source":{"key":"v/in.mp4"},"f":"mp4","output":{"target_key":"v/a.gif"}})", false, "f"},
  {"video_animation", R"({"source":{"key":"v/in.mp4"},"f":"gif","t":0,"output":{"target_key":"v/a.gif"}})", false, "t"},
  {"video_animation", R"({"source":{"key":"v/in.mp4"},"f":"webp","w":5000,"output":{"target_key":"v/a.webp"}})", false, "w"},

  // media_concat
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4","position":"sur","ss":0,"t":30000}],
      "f":"mp4","vcodec":"h264","acodec":"aac","output":{"mode":"save","target_key":"v/ab.mp4"}})", true, ""},
  {"media_concat", R"({"kind":"audio","source":{"key":"a/a.mp3"},"inputs":[{"key":"a/b.mp3","position":"pre"}],
      "f":"mp3","ab":192000,"output":{"target_key":"a/ab.mp3"}})", true, ""},
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4"},{"key":"v/c.mp4"}],
      "f":"mp4","vcodec":"h264","acodec":"aac","align":1,"s":"1280x720","fps":25,"output":{"target_key":"v/abc.mp4"}})", true, ""},
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4"}],"f":"mp4","acodec":"aac",
      "output":{"target_key":"v/ab.mp4"}})", false, ""},
  {"media_concat", R"({"kind":"audio","source":{"key":"a/a.flac"},"inputs":[{"key":"a/b.flac"}],"f":"flac","adepth":24,
      "output":{"target_key":"a/ab.flac"}})", true, ""},
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[],"f":"mp4","output":{"target_key":"v/o.mp4"}})", false, "inputs"},
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"1"},{"key":"2"},{"key":"3"},{"key":"4"},
      {"key":"5"},{"key":"6"},{"key":"7"},{"key":"8"},{"key":"9"},{"key":"10"},{"key":"11"}],"f":"mp4",
      "output":{"target_key":"v/o.mp4"}})", false, "inputs"},
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4","position":"mid"}],"f":"mp4",
      "output":{"target_key":"v/o.mp4"}})", false, "inputs.position"},
  {"media_concat", R"({"kind":"audio","source":{"key":"a/a.mp3"},"inputs":[{"key":"a/b.mp3"}],"f":"mp3","vcodec":"h264",
      "output":{"target_key":"a/o.mp3"}})", false, "vcodec"},
  {"media_concat", R"({"kind":"audio","source":{"key":"a/a.mp3"},"inputs":[{"key":"a/b.mp3"}],"f":"mp4",
      "output":{"target_key":"a/o.mp3"}})", false, "f"},
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4"}],"f":"mp4","aq":50,
      "output":{"target_key":"v/o.mp4"}})", false, "aq"},
  {"media_concat", R"({"kind":"audio","source":{"key":"a/a.mp3"},"inputs":[{"key":"a/b.mp3"}],"f":"mp3","aq":50,"ab":128000,
      "output":{"target_key":"a/o.mp3"}})", false, "ab"},
  {"media_concat", R"({"kind":"audio","source":{"key":"a/a.mp3"},"inputs":[{"key":"a/b.mp3"}],"f":"mp3","adepth":24,
      "output":{"target_key":"a/o.mp3"}})", false, "adepth"},
  {"media_concat", R"({"source":{"key":"v/a.mp4"},"inputs":[{"key":"v/b.mp4"}],"f":"mp4","output":{"target_key":"v/o.mp4"}})", false, ""},
  {"media_concat", R"({"kind":"video","source":{"key":"v/a.mp4"},"inputs":[{"uri":"/data/b.mp4"}],"f":"mp4",
      "output":{"target_key":"v/o.mp4"}})", false, "inputs"},

  // audio_transcode
  {"audio_transcode", R"({"source":{"key":"a/in.wav"},"f":"mp3","ab":128000,"ar":44100,"ac":2,
      "output":{"mode":"save","target_key":"a/out.mp3"}})", true, ""},
  {"audio_transcode", R"({"source":{"key":"a/in.wav"},"f":"flac","adepth":24,"aq":80,"output":{"target_key":"a/out.flac"}})", true, ""},
  {"audio_transcode", R"({"source":{"key":"a/in.wav"},"f":"mp3","adepth":24,"output":{"target_key":"a/out.mp3"}})", false, "adepth"},
  {"audio_transcode", R"({"source":{"key":"a/in.wav"},"f":"mp3","aq":80,"ab":128000,"output":{"target_key":"a/out.mp3"}})", false, "ab"},
  {"audio_transcode", R"({"source":{"key":"a/in.wav"},"f":"mp3","ac":9,"output":{"target_key":"a/out.mp3"}})", false, "ac"},
  {"audio_transcode", R"({"source":{"key":"a/in.wav"},"f":"wav","output":{"target_key":"a/out.wav"}})", false, "f"},
  {"audio_transcode", R"({"source":{"key":"a/in.wav"},"f":"mp3","vcodec":"h264","output":{"target_key":"a/out.mp3"}})", false, ""},

  // hls_playlist
  {"hls_playlist", R"({"source":{"key":"v/in.mp4"},"vcodec":"h264","s":"1280x720","vb":2000000,"output":{"mode":"url","expires":3600}})", true, ""},
  {"hls_playlist", R"({"source":{"key":"v/in.mp4"},"ss":15000,"t":0,"acodec":"aac","ab":128000})", true, ""},
  {"hls_playlist", R"({"source":{"uri":"/data/v.mp4"}})", false, "source"},
  {"hls_playlist", R"({"source":{"key":"v/in.mp4"},"output":{"mode":"download","path":"a.m3u8"}})", false, "output"},
  {"hls_playlist", R"({"source":{"key":"v/in.mp4"},"vcodec":"vp9"})", false, "vcodec"},
  {"hls_playlist", R"({"source":{"key":"v/in.mp4"},"output":{"mode":"url","expires":604801}})", false, "output.expires"},

  // object tools, job_status, imm_setup, doctor
  {"object_upload", R"({"uri":"/abs/path/report.pdf","target_key":"docs/report.pdf"})", true, ""},
  {"object_upload", R"({"uri":"https://example.com/a.png"})", true, ""},
  {"object_upload", R"({"uri":"report.pdf"})", false, "uri"},
  {"object_upload", R"({"target_key":"docs/report.pdf"})", false, ""},
  {"object_upload", R"({"uri":"/abs/a.pdf","target_key":"/docs/a.pdf"})", false, "target_key"},
  {"object_upload", R"({"uri":"/abs/a.pdf","dry_run":true})", false, ""},
  {"object_download", R"({"key":"docs/report.pdf","path":"report.pdf"})", true, ""},
  {"object_download", R"({"key":"docs/report.pdf"})", false, ""},
  {"object_download", R"({"key":"../x","path":"x"})", false, "key"},
  {"object_list", R"({})", true, ""},
  {"object_list", R"({"prefix":"images/","delimiter":"/","max_keys":100,"continuation_token":"abc"})", true, ""},
  {"object_list", R"({"max_keys":0})", false, "max_keys"},
  {"object_list", R"({"max_keys":1001})", false, "max_keys"},
  {"object_list", R"({"marker":"a"})", false, ""},
  {"object_head", R"({"key":"images/a.jpg"})", true, ""},
  {"object_head", R"({})", false, ""},
  {"job_status", R"({"job_id":"abc"})", true, ""},
  {"job_status", R"({"job_id":"abc","wait_seconds":30,"cancel":true})", true, ""},
  {"job_status", R"({"job_id":"abc","wait_seconds":601})", false, "wait_seconds"},
  {"job_status", R"({"wait_seconds":1})", false, ""},
  {"job_status", R"({"job_id":""})", false, "job_id"},
  {"imm_setup", R"({})", true, ""},
  {"imm_setup", R"({"project":"optional-name"})", true, ""},
  {"imm_setup", R"({"project":"1bad"})", false, "project"},
  {"imm_setup", R"({"dataset":"x"})", false, ""},
  {"doctor", R"({})", true, ""},
  {"doctor", R"({"verbose":true})", false, ""},
};
// clang-format on

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
      // The published form drops only rules, so it accepts everything the validation schema accepts.
      Outcome p = validate(compiled().published(c.tool), args);
      CHECK_MESSAGE(p.ok, "published form refuses a valid call:\n" << p.text);
    } else {
      REQUIRE_FALSE(o.ok);
      bool found = false;
      for (const std::string& path : o.paths) found = found || path == c.where;
      CHECK_MESSAGE(found, "expected an error at '" << std::string(c.where) << "', got:\n" << o.text);
    }
  }
}
