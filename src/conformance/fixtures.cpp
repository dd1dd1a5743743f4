#include "conformance/fixtures.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/fmt/fmt.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "mcp/server.h"
#include "proc/process.h"

namespace omm::conformance {

namespace {

using mcp::CallContext;
using mcp::LogLevel;
using nlohmann::json;

constexpr const char* kPng1x1 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg"
    "==";
constexpr const char* kWavSilence =
    "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YRAAAAAAAAAAAAAAAAAAAAAAAAAA";

json no_args_schema() {
  return json{{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
}

json text_block(std::string text) { return json{{"type", "text"}, {"text", std::move(text)}}; }

json content(json blocks) { return json{{"content", std::move(blocks)}}; }

void add(mcp::Server& server, std::string name, std::string description, json schema,
         mcp::ToolHandler handler) {
  mcp::ToolSpec spec;
  spec.name = std::move(name);
  spec.description = std::move(description);
  spec.input_schema = std::move(schema);
  spec.annotations = json{{"readOnlyHint", true}, {"openWorldHint", false}};
  spec.handler = std::move(handler);
  server.tools().add(std::move(spec));
}

json elicit(CallContext& ctx, json params) {
  auto r = ctx.request_client("elicitation/create", std::move(params), std::chrono::seconds(60));
  if (!r.ok()) return mcp::error_result(r.status());
  json content_value = r->value("content", json::object());
  return content(
      json::array({text_block(fmt::format("Elicitation completed: action={}, content={}",
                                          r->value("action", "unknown"), content_value.dump()))}));
}

// Writes `text` to `path` (created or truncated), never through a symlink placed at `path`.
bool write_file(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return ::close(fd) == 0 && ok;
}

// Runs `sleep` as a child for `duration_ms`, reporting progress, honouring cancellation. With
// output_path, writes the file where `resolve` puts it, through a temporary file renamed on
// success.
json slow_operation(const OutputPathResolver& resolve, CallContext& ctx, const json& args) {
  int duration_ms = args.value("duration_ms", 1000);
  std::string output = args.value("output_path", "");
  namespace fs = std::filesystem;
  std::string target;  // where `resolve` puts output_path
  std::string temp;
  if (!output.empty()) {
    if (!resolve) {
      return mcp::error_result(
          Status::error(kOutputPathId,
                        "output_path must lie inside the output directory, and this server "
                        "writes no files from this fixture"));
    }
    auto resolved = resolve(output);
    if (!resolved.ok()) return mcp::error_result(resolved.status());
    target = *resolved;
    fs::path out(target);
    temp = (out.parent_path() / ("." + out.filename().string() + ".part")).string();
    if (!write_file(temp, "partial")) {
      return mcp::error_result(Status::error(
          "local.io", "cannot write output_path's temporary file (does its directory exist?)"));
    }
  }
  std::string seconds = fmt::format("{:.3f}", duration_ms / 1000.0);
  proc::SpawnRequest request;
  request.argv = {"sleep", seconds};
  request.stdout_fd = 2;  // never write to the protocol stream
  Result<pid_t> spawned = proc::spawn_process(request);
  if (!spawned.ok()) {
    if (!temp.empty()) std::remove(temp.c_str());
    return mcp::error_result(Status::error("internal.spawn", "cannot start sleep"));
  }
  pid_t pid = *spawned;
  int hook = ctx.on_cancel([pid, temp] {
    ::kill(pid, SIGKILL);
    if (!temp.empty()) std::remove(temp.c_str());
  });
  auto start = std::chrono::steady_clock::now();
  ctx.progress(0, duration_ms, fmt::format("pid={}", pid));
  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0) break;
    ctx.sleep_for(std::chrono::milliseconds(200));
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
    if (!ctx.cancelled()) {
      ctx.progress(static_cast<double>(std::min<long long>(elapsed, duration_ms)), duration_ms,
                   fmt::format("{} ms of {}", elapsed, duration_ms));
    }
  }
  ctx.remove_on_cancel(hook);
  if (ctx.cancelled()) {
    if (!temp.empty()) std::remove(temp.c_str());
    return mcp::error_result(Status::error("cancelled", "the call was cancelled"));
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  json result{{"success", true}, {"elapsed_ms", elapsed}};
  if (!temp.empty()) {
    if (!write_file(temp, fmt::format("done after {} ms\n", elapsed)) ||
        std::rename(temp.c_str(), target.c_str()) != 0) {
      std::remove(temp.c_str());
      return mcp::error_result(Status::error("local.io", "cannot write output_path"));
    }
    result["path"] = output;
  }
  return mcp::structured_result(result);
}

void register_tools(mcp::Server& server, const FixtureOptions& options) {
  add(server, "test_simple_text", "Returns a simple text response.", no_args_schema(),
      [](CallContext&, const json&) {
        return content(json::array({text_block("This is a simple text response for testing.")}));
      });
  add(server, "test_image_content", "Returns a 1x1 PNG image.", no_args_schema(),
      [](CallContext&, const json&) {
        return content(
            json::array({{{"type", "image"}, {"data", kPng1x1}, {"mimeType", "image/png"}}}));
      });
  add(server, "test_audio_content", "Returns a short silent WAV clip.", no_args_schema(),
      [](CallContext&, const json&) {
        return content(
            json::array({{{"type", "audio"}, {"data", kWavSilence}, {"mimeType", "audio/wav"}}}));
      });
  add(server, "test_embedded_resource", "Returns an embedded text resource.", no_args_schema(),
      [](CallContext&, const json&) {
        return content(json::array({{{"type", "resource"},
                                     {"resource",
                                      {{"uri", "test://embedded-resource"},
                                       {"mimeType", "text/plain"},
                                       {"text", "This is an embedded resource content."}}}}}));
      });
  add(server, "test_multiple_content_types", "Returns text, image and resource content.",
      no_args_schema(), [](CallContext&, const json&) {
        return content(
            json::array({text_block("Multiple content types test:"),
                         {{"type", "image"}, {"data", kPng1x1}, {"mimeType", "image/png"}},
                         {{"type", "resource"},
                          {"resource",
                           {{"uri", "test://mixed-content-resource"},
                            {"mimeType", "application/json"},
                            {"text", "{\"test\":\"data\",\"value\":123}"}}}}}));
      });
  add(server, "test_tool_with_logging", "Sends three info log notifications while running.",
      no_args_schema(), [](CallContext& ctx, const json&) {
        ctx.log(LogLevel::kInfo, "Tool execution started");
        ctx.sleep_for(std::chrono::milliseconds(50));
        ctx.log(LogLevel::kInfo, "Tool processing data");
        ctx.sleep_for(std::chrono::milliseconds(50));
        ctx.log(LogLevel::kInfo, "Tool execution completed");
        return content(json::array({text_block("Tool with logging executed successfully")}));
      });
  add(server, "test_error_handling", "Always fails with a tool error.", no_args_schema(),
      [](CallContext&, const json&) {
        json r = content(
            json::array({text_block("This tool intentionally returns an error for testing")}));
        r["isError"] = true;
        return r;
      });
  add(server, "test_tool_with_progress", "Reports progress 0, 50, 100 of 100.", no_args_schema(),
      [](CallContext& ctx, const json&) {
        ctx.progress(0, 100);
        ctx.sleep_for(std::chrono::milliseconds(50));
        ctx.progress(50, 100);
        ctx.sleep_for(std::chrono::milliseconds(50));
        ctx.progress(100, 100);
        return content(json::array({text_block("Tool with progress executed successfully")}));
      });
  add(server, "test_sampling", "Asks the client's model to answer a prompt.",
      json{
          {"type", "object"},
          {"properties", {{"prompt", {{"type", "string"}, {"description", "The prompt to send"}}}}},
          {"required", {"prompt"}},
          {"additionalProperties", false}},
      [](CallContext& ctx, const json& args) {
        json params{{"messages",
                     json::array({{{"role", "user"},
                                   {"content", {{"type", "text"}, {"text", args["prompt"]}}}}})},
                    {"maxTokens", 100}};
        auto r = ctx.request_client("sampling/createMessage", params, std::chrono::seconds(60));
        if (!r.ok()) return mcp::error_result(r.status());
        std::string text;
        if (r->contains("content") && (*r)["content"].is_object()) {
          text = (*r)["content"].value("text", "");
        }
        return content(json::array({text_block("LLM response: " + text)}));
      });
  add(server, "test_elicitation", "Asks the user for a username and email.",
      json{{"type", "object"},
           {"properties", {{"message", {{"type", "string"}, {"description", "Message to show"}}}}},
           {"required", {"message"}},
           {"additionalProperties", false}},
      [](CallContext& ctx, const json& args) {
        json schema{{"type", "object"},
                    {"properties",
                     {{"username", {{"type", "string"}, {"description", "User's response"}}},
                      {"email", {{"type", "string"}, {"description", "User's email address"}}}}},
                    {"required", {"username", "email"}}};
        auto r = ctx.request_client("elicitation/create",
                                    {{"message", args["message"]}, {"requestedSchema", schema}},
                                    std::chrono::seconds(60));
        if (!r.ok()) return mcp::error_result(r.status());
        return content(json::array({text_block(
            fmt::format("User response: action={}, content={}", r->value("action", "unknown"),
                        r->value("content", json::object()).dump()))}));
      });
  add(server, "test_elicitation_sep1034_defaults", "Elicits values with defaults (SEP-1034).",
      no_args_schema(), [](CallContext& ctx, const json&) {
        json props{{"name", {{"type", "string"}, {"default", "John Doe"}}},
                   {"age", {{"type", "integer"}, {"default", 30}}},
                   {"score", {{"type", "number"}, {"default", 95.5}}},
                   {"status",
                    {{"type", "string"},
                     {"enum", {"active", "inactive", "pending"}},
                     {"default", "active"}}},
                   {"verified", {{"type", "boolean"}, {"default", true}}}};
        return elicit(ctx, {{"message", "Please review the defaults"},
                            {"requestedSchema", {{"type", "object"}, {"properties", props}}}});
      });
  add(server, "test_elicitation_sep1330_enums", "Elicits the five enum variants (SEP-1330).",
      no_args_schema(), [](CallContext& ctx, const json&) {
        auto titled = [](const char* prefix, const char* title) {
          json arr = json::array();
          const char* names[] = {"First", "Second", "Third"};
          for (int i = 0; i < 3; ++i) {
            arr.push_back({{"const", fmt::format("{}{}", prefix, i + 1)},
                           {"title", fmt::format("{} {}", names[i], title)}});
          }
          return arr;
        };
        json props{
            {"untitledSingle", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}},
            {"titledSingle", {{"type", "string"}, {"oneOf", titled("value", "Option")}}},
            {"legacyEnum",
             {{"type", "string"},
              {"enum", {"opt1", "opt2", "opt3"}},
              {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
            {"untitledMulti",
             {{"type", "array"},
              {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
            {"titledMulti",
             {{"type", "array"}, {"items", {{"anyOf", titled("value", "Choice")}}}}}};
        return elicit(ctx, {{"message", "Please choose"},
                            {"requestedSchema", {{"type", "object"}, {"properties", props}}}});
      });
  mcp::ToolSpec schema_tool;
  schema_tool.name = "json_schema_2020_12_tool";
  schema_tool.description = "Tool with JSON Schema 2020-12 features";
  schema_tool.input_schema = json{
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"type", "object"},
      {"$defs",
       {{"address",
         {{"type", "object"},
          {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}}}}},
      {"properties", {{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}}}},
      {"additionalProperties", false}};
  // valijson knows draft 7: validate with the equivalent draft-7 form.
  schema_tool.handler = [](CallContext&, const json& args) {
    return content(json::array({text_block("Received: " + args.dump())}));
  };
  server.tools().add(std::move(schema_tool));
  add(server, "test_reconnection", "Returns after a short pause (SSE reconnection scenario).",
      no_args_schema(), [](CallContext& ctx, const json&) {
        ctx.sleep_for(std::chrono::milliseconds(100));
        return content(json::array({text_block("Reconnection test completed")}));
      });
  add(server, "test_slow_operation",
      "Runs a child process for duration_ms, reporting progress every 200 ms (first message: "
      "pid=<child>); writes output_path via a temporary file renamed on success; cancellation "
      "kills the child and removes the temporary file.",
      json{{"type", "object"},
           {"properties",
            {{"duration_ms", {{"type", "integer"}, {"minimum", 0}, {"maximum", 60000}}},
             {"output_path", {{"type", "string"}, {"minLength", 1}}}}},
           {"additionalProperties", false}},
      [resolve = options.resolve_output_path](CallContext& ctx, const json& args) {
        return slow_operation(resolve, ctx, args);
      });
}

void register_resources(mcp::Server& server) {
  auto text = [](std::string uri, std::string mime, std::string body) {
    return [uri, mime, body](const std::string&) -> Result<json> {
      return json::array({{{"uri", uri}, {"mimeType", mime}, {"text", body}}});
    };
  };
  server.resources().add({"test://static-text", "static-text", "", "A static text resource",
                          "text/plain",
                          text("test://static-text", "text/plain",
                               "This is the content of the static text resource.")});
  server.resources().add(
      {"test://static-binary", "static-binary", "", "A static PNG image", "image/png",
       [](const std::string&) -> Result<json> {
         return json::array(
             {{{"uri", "test://static-binary"}, {"mimeType", "image/png"}, {"blob", kPng1x1}}});
       }});
  server.resources().add(
      {"test://watched-resource", "watched-resource", "", "A resource clients may subscribe to",
       "text/plain", text("test://watched-resource", "text/plain", "Watched resource content")});
  mcp::ResourceTemplateSpec tmpl;
  tmpl.uri_template = "test://template/{id}/data";
  tmpl.name = "template-data";
  tmpl.description = "Data for an id";
  tmpl.mime_type = "application/json";
  tmpl.read = [](const std::string& uri) -> Result<json> {
    auto vars = mcp::ResourceRegistry::match("test://template/{id}/data", uri);
    std::string id = vars ? (*vars)["id"] : "";
    json body{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
    return json::array({{{"uri", uri}, {"mimeType", "application/json"}, {"text", body.dump()}}});
  };
  tmpl.complete = [](std::string_view arg, std::string_view prefix) {
    std::vector<std::string> out;
    if (arg != "id") return out;
    for (const char* v : {"123", "456", "789"}) {
      if (std::string_view(v).rfind(prefix, 0) == 0) out.push_back(v);
    }
    return out;
  };
  server.resources().add_template(std::move(tmpl));
}

json user_text(std::string text) {
  return json{{"role", "user"}, {"content", text_block(std::move(text))}};
}

void register_prompts(mcp::Server& server) {
  server.prompts().add(
      {"test_simple_prompt",
       "",
       "A simple prompt without arguments",
       {},
       [](const json&) -> Result<json> {
         return json{
             {"messages", json::array({user_text("This is a simple prompt for testing.")})}};
       },
       nullptr});
  server.prompts().add(
      {"test_prompt_with_arguments",
       "",
       "A prompt with two required arguments",
       {{"arg1", "First test argument", true}, {"arg2", "Second test argument", true}},
       [](const json& a) -> Result<json> {
         return json{
             {"messages",
              json::array({user_text(fmt::format("Prompt with arguments: arg1='{}', arg2='{}'",
                                                 a.value("arg1", ""), a.value("arg2", "")))})}};
       },
       [](std::string_view arg, std::string_view prefix) {
         std::vector<std::string> out;
         const std::vector<std::string> values =
             arg == "arg1" ? std::vector<std::string>{"paris", "park", "party", "test", "testing"}
                           : std::vector<std::string>{"world", "word"};
         for (const auto& v : values) {
           if (v.rfind(prefix, 0) == 0) out.push_back(v);
         }
         return out;
       }});
  server.prompts().add(
      {"test_prompt_with_embedded_resource",
       "",
       "A prompt embedding a resource",
       {{"resourceUri", "URI of the resource to embed", true}},
       [](const json& a) -> Result<json> {
         json resource{{"uri", a.value("resourceUri", "")},
                       {"mimeType", "text/plain"},
                       {"text", "Embedded resource content for testing."}};
         return json{{"messages",
                      json::array({{{"role", "user"},
                                    {"content", {{"type", "resource"}, {"resource", resource}}}},
                                   user_text("Please process the embedded resource above.")})}};
       },
       nullptr});
  server.prompts().add(
      {"test_prompt_with_image",
       "",
       "A prompt with an image",
       {},
       [](const json&) -> Result<json> {
         return json{
             {"messages",
              json::array(
                  {{{"role", "user"},
                    {"content", {{"type", "image"}, {"data", kPng1x1}, {"mimeType", "image/png"}}}},
                   user_text("Please analyze the image above.")})}};
       },
       nullptr});
}

}  // namespace

void register_fixtures(mcp::Server& server, FixtureOptions options) {
  register_tools(server, options);
  register_resources(server);
  register_prompts(server);
}

}  // namespace omm::conformance
