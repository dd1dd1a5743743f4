#include "mcp/schema_validator.h"

#include <doctest/doctest.h>

using nlohmann::json;
using omm::mcp::CompiledSchema;

namespace {

// A miniature of the product's schemas: an operations array discriminated by "op" with
// if/then output rules, to pin the id and message rules independent of the real schemas.
json test_schema() {
  return json::parse(R"({
    "type": "object",
    "properties": {
      "source": {"type": "object", "properties": {"key": {"type": "string", "minLength": 1}},
                 "additionalProperties": false, "required": ["key"]},
      "operations": {"type": "array", "minItems": 1, "items": {"oneOf": [
        {"type": "object", "properties": {"op": {"const": "resize"},
            "w": {"type": "integer", "minimum": 1, "maximum": 16384},
            "m": {"enum": ["lfit", "mfit", "fill", "pad", "fixed"]}},
         "required": ["op"], "additionalProperties": false},
        {"type": "object", "properties": {"op": {"const": "rotate"},
            "value": {"type": "integer", "minimum": 0, "maximum": 360}},
         "required": ["op", "value"], "additionalProperties": false}
      ]}},
      "output": {"type": "object", "properties": {
          "mode": {"enum": ["url", "download", "save"]},
          "path": {"type": "string"}, "target_key": {"type": "string"}},
        "required": ["mode"], "additionalProperties": false},
      "no_download": {"type": "boolean"}
    },
    "required": ["source", "operations"],
    "additionalProperties": false,
    "allOf": [
      {"if": {"properties": {"output": {"properties": {"mode": {"const": "download"}}, "required": ["mode"]}},
              "required": ["output"]},
       "then": {"properties": {"output": {"required": ["path"]}}}},
      {"if": {"properties": {"no_download": {"const": true}}, "required": ["no_download"]},
       "then": {"properties": {"output": {"properties": {"mode": {"not": {"const": "download"}}}}}}}
    ]
  })");
}

}  // namespace

TEST_CASE("schema failures become stable ids with allowed values and the value received") {
  auto compiled = CompiledSchema::from_json(test_schema());
  REQUIRE(compiled.ok());
  struct Case {
    const char* args;
    const char* id;
    const char* message;
  } cases[] = {
      {R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":600}]})", "", ""},
      {R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":0}]})",
       "invalid_argument.resize.w", "w must be 1..16384, got 0"},
      {R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":600},{"op":"resize","m":"abc"}]})",
       "invalid_argument.resize.m", "m must be one of lfit, mfit, fill, pad, fixed, got \"abc\""},
      {R"({"source":{"key":"a.jpg"},"operations":[{"op":"rotate","value":400}]})",
       "invalid_argument.rotate.value", "value must be 0..360, got 400"},
      {R"({"source":{"key":"a.jpg"},"operations":[{"op":"rotate"}]})",
       "invalid_argument.rotate.value", "value is required"},
      {R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","rw":5}]})",
       "invalid_argument.resize.rw", "rw is not a parameter of resize; allowed: m, op, w"},
      {R"({"source":{"key":"a.jpg"},"operations":[{"op":"resize","w":"600"}]})",
       "invalid_argument.resize.w", "w must be an integer, got \"600\""},
      {R"({"source":{"key":"a.jpg"},"operations":[]})", "invalid_argument.image_process.operations",
       "operations must have at least 1 items, got []"},
      {R"({"operations":[{"op":"resize"}]})", "invalid_argument.image_process.source",
       "source is required"},
      {R"({"source":{"key":""},"operations":[{"op":"resize"}]})",
       "invalid_argument.image_process.source.key",
       "source.key must be at least 1 characters long, got \"\""},
      {R"({"source":{"key":"a"},"operations":[{"op":"resize"}],"output":{"mode":"download"}})",
       "invalid_argument.image_process.output.path",
       "output.path is required when output.mode is \"download\""},
      {R"({"source":{"key":"a"},"operations":[{"op":"resize"}],"output":{"mode":"zip"}})",
       "invalid_argument.image_process.output.mode",
       "output.mode must be one of url, download, save, got \"zip\""},
      {R"({"source":{"key":"a"},"operations":[{"op":"resize"}],"no_download":true,"output":{"mode":"download","path":"x"}})",
       "invalid_argument.image_process.output.mode",
       "output.mode must not be \"download\", got \"download\" (because no_download is true)"},
      {R"({"source":{"key":"a"},"operations":[{"op":"resize"}],"extra":1})",
       "invalid_argument.image_process.extra",
       "extra is not a parameter of image_process; allowed: no_download, operations, output, "
       "source"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args);
    omm::Status s = (*compiled)->validate(json::parse(c.args), "image_process");
    CHECK(s.id() == c.id);
    CHECK(s.message() == c.message);
  }
}

TEST_CASE("a broken schema is reported, not thrown") {
  auto compiled = CompiledSchema::from_json(json::parse(R"({"$ref":"missing.json#/x"})"));
  CHECK_FALSE(compiled.ok());
  CHECK(compiled.status().id() == "schema.invalid");
}
