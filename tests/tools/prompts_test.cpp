#include "tools/prompts.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/embedded.h"
#include "mcp/memory_outbox.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "tools/docs_resources.h"

using nlohmann::json;
using namespace omm;

namespace {

struct PromptFixture {
  PromptFixture() : server(mcp::ServerInfo{}, mcp::ServerOptions{}) {
    tools::register_prompts(server);
    tools::register_docs_resources(server);
    session = server.open_session(outbox, "prompts-test");
    session->receive(json{{"jsonrpc", "2.0"},
                          {"id", 0},
                          {"method", "initialize"},
                          {"params",
                           {{"protocolVersion", "2025-11-25"},
                            {"capabilities", json::object()},
                            {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    REQUIRE(outbox->wait_for(1));
    outbox->clear();
  }

  // Sends one request and returns its response.
  json request(const std::string& method, json params) {
    outbox->clear();
    session->receive(
        json{{"jsonrpc", "2.0"}, {"id", ++next_id}, {"method", method}, {"params", params}});
    REQUIRE(outbox->wait_for(1));
    json m = outbox->sent().back().message;
    CHECK(m["id"] == next_id);
    return m;
  }

  json get(const std::string& name, json args) {
    return request("prompts/get", {{"name", name}, {"arguments", std::move(args)}});
  }

  // The text of the single user message of a successful prompts/get.
  std::string text(const std::string& name, json args) {
    json r = get(name, std::move(args));
    REQUIRE_MESSAGE(r.contains("result"), r.dump());
    REQUIRE(r["result"]["messages"].size() == 1);
    CHECK(r["result"]["messages"][0]["role"] == "user");
    CHECK(r["result"]["messages"][0]["content"]["type"] == "text");
    return r["result"]["messages"][0]["content"]["text"].get<std::string>();
  }

  std::string error(const std::string& name, json args) {
    json r = get(name, std::move(args));
    REQUIRE_MESSAGE(r.contains("error"), r.dump());
    CHECK(r["error"]["code"] == -32602);
    return r["error"]["message"].get<std::string>();
  }

  mcp::Server server;
  std::shared_ptr<mcp::MemoryOutbox> outbox = std::make_shared<mcp::MemoryOutbox>();
  std::shared_ptr<mcp::Session> session;
  int next_id = 0;
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The JSON inside the first ```json block of a prompt text.
json arguments_block(const std::string& text) {
  size_t b = text.find("```json\n");
  REQUIRE(b != std::string::npos);
  b += 8;
  size_t e = text.find("\n```", b);
  REQUIRE(e != std::string::npos);
  json j = json::parse(text.substr(b, e - b), nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

const std::set<std::string> kPrompts = {"add_watermark",  "detect_faces",   "extract_frames",
                                        "make_thumbnail", "present_result", "transcode_video"};

const json kSavedResult = {{"success", true},
                           {"backend", "oss"},
                           {"mode", "save"},
                           {"operations", "image/resize,w_300"},
                           {"request_id", "64F0A1B2C3D4E5F6A7B8C9D0"},
                           {"target_key", "images/photo_thumb.jpg"},
                           {"bucket", "my-media"},
                           {"size", 12345}};

}  // namespace

TEST_CASE("prompt templates: placeholders, omitted lines and sections") {
  using tools::prompt_detail::parse_template;
  using tools::prompt_detail::render;
  auto t = parse_template("<!-- title: T -->\n<!-- description: D: x -->\nA {{a}}\nB {{b}}\n");
  CHECK(t.meta.at("title") == "T");
  CHECK(t.meta.at("description") == "D: x");
  CHECK(render(t.body, {{"a", "1"}}) == "A 1");
  CHECK(render(t.body, {{"a", "1"}, {"b", ""}}) == "A 1");  // empty = missing
  CHECK(render("{{#x}}\nin {{y}}\n{{/x}}\n{{^x}}\nnone\n{{/x}}\nend", {{"x", "1"}, {"y", "2"}}) ==
        "in 2\nend");
  CHECK(render("{{#x}}\nin\n{{/x}}\n{{^x}}\nnone\n{{/x}}\nend", {}) == "none\nend");
  CHECK(render("{{#x}}\n{{#y}}\nboth\n{{/y}}\nx\n{{/x}}", {{"x", "1"}}) == "x");
  // values are not expanded again; JSON braces in text stay
  CHECK(render("v={{a}} {\"k\":{\"m\":1}}", {{"a", "{{b}}"}, {"b", "no"}}) ==
        "v={{b}} {\"k\":{\"m\":1}}");
  // blank lines collapse, leading and trailing ones go
  CHECK(render("\n\nA\n{{gone}}\n\n\nB\n\n", {}) == "A\n\nB");
}

TEST_CASE("every prompt has a zh and an en template with a title and description") {
  for (const auto& name : kPrompts) {
    for (const char* lang : {"zh", "en"}) {
      auto text = embedded::find(embedded::prompt_files(), std::string(lang) + "/" + name + ".md");
      REQUIRE_MESSAGE(text.has_value(), lang << "/" << name);
      auto t = tools::prompt_detail::parse_template(*text);
      CHECK(!t.meta["title"].empty());
      CHECK(!t.meta["description"].empty());
      CHECK(!t.body.empty());
    }
  }
}

TEST_CASE("prompts/list lists every prompt with description and arguments") {
  PromptFixture f;
  json r = f.request("prompts/list", json::object());
  REQUIRE(r.contains("result"));
  std::set<std::string> names;
  for (const auto& p : r["result"]["prompts"]) {
    std::string name = p["name"];
    names.insert(name);
    CHECK_MESSAGE(!p["description"].get<std::string>().empty(), name);
    CHECK_MESSAGE(!p.value("title", "").empty(), name);
    REQUIRE_MESSAGE(p.contains("arguments"), name);
    bool language = false;
    for (const auto& a : p["arguments"]) {
      CHECK(!a["description"].get<std::string>().empty());
      if (a["name"] == "language") {
        language = true;
        CHECK(a["required"] == false);
      }
    }
    CHECK_MESSAGE(language, name);
  }
  CHECK(names == kPrompts);
  // required arguments as documented
  for (const auto& p : r["result"]["prompts"]) {
    std::set<std::string> required;
    for (const auto& a : p["arguments"]) {
      if (a["required"] == true) required.insert(a["name"].get<std::string>());
    }
    std::string name = p["name"];
    if (name == "present_result") CHECK(required == std::set<std::string>{"result"});
    if (name == "make_thumbnail") CHECK(required == std::set<std::string>{"source", "width"});
    if (name == "transcode_video") CHECK(required == std::set<std::string>{"source", "target_key"});
    if (name == "add_watermark") CHECK(required == std::set<std::string>{"source", "text"});
    if (name == "detect_faces") CHECK(required == std::set<std::string>{"source"});
    if (name == "extract_frames") CHECK(required == std::set<std::string>{"source", "target_key"});
  }
}

TEST_CASE("present_result prompt: Chinese table by default, values copied from the result") {
  PromptFixture f;
  json r =
      f.get("present_result", {{"result", kSavedResult.dump()}, {"source", "images/photo.jpg"}});
  REQUIRE(r.contains("result"));
  CHECK(!r["result"]["description"].get<std::string>().empty());
  std::string t = r["result"]["messages"][0]["content"]["text"];
  CHECK(has(t, "处理结果如下："));
  CHECK(has(t, "| 状态 | ✅ 已完成 |"));
  CHECK(has(t, "| 请求 ID | `64F0A1B2C3D4E5F6A7B8C9D0` |"));
  CHECK(has(t, "| 源文件 | `images/photo.jpg` |"));
  CHECK(has(t, "| 输出 | `images/photo_thumb.jpg` |"));
  CHECK(has(t, "| 参数 | `image/resize,w_300` |"));
  CHECK(has(t, "| 文件大小 | 12345 字节 |"));
  CHECK(has(t, "| OSS 路径 | `oss://my-media/images/photo_thumb.jpg` |"));
  CHECK(!has(t, "任务 ID"));  // no task id in a sync result: the row is left out
  CHECK(!has(t, "Result summary"));
  CHECK(!has(t, "{{"));
}

TEST_CASE("present_result prompt in English; downloaded file, url and whole CallToolResult") {
  PromptFixture f;
  json result{{"success", true},
              {"backend", "local"},
              {"mode", "download"},
              {"operations", "image/resize,w_600/watermark,text_wqkgMjAyNg"},
              {"request_id", "local-1b9d6bcd"},
              {"path", "/work/out/photo-watermarked.jpg"},
              {"size", 4242}};
  json call_result{{"content", json::array({{{"type", "text"}, {"text", result.dump()}}})},
                   {"structuredContent", result}};
  std::string t = f.text("present_result", {{"result", call_result.dump()}, {"language", "en"}});
  CHECK(has(t, "Result summary:"));
  CHECK(has(t, "| Status | ✅ Completed |"));
  CHECK(has(t, "| RequestID | `local-1b9d6bcd` |"));
  CHECK(has(t, "| Output | `/work/out/photo-watermarked.jpg` |"));
  CHECK(has(t, "| Params | `image/resize,w_600/watermark,text_wqkgMjAyNg` |"));
  CHECK(has(t, "| File Size | 4242 bytes |"));
  CHECK(has(t, "```\n/work/out/photo-watermarked.jpg\n```"));
  CHECK(has(t, "local backend"));
  CHECK(!has(t, "| Source |"));    // not given, not in the result
  CHECK(!has(t, "| OSS Path |"));  // not saved
  CHECK(!has(t, "处理结果如下"));

  json url_result{{"success", true},
                  {"backend", "oss"},
                  {"mode", "url"},
                  {"operations", "image/resize,w_300"},
                  {"request_id", "R1"},
                  {"url_redacted",
                   "https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?OSSAccessKeyId=***&Signature=***"},
                  {"resource_uri", "oss-media://result/abc"}};
  t = f.text("present_result", {{"result", url_result.dump()}, {"language", "en"}});
  CHECK(has(t,
            "| Output | "
            "`https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?OSSAccessKeyId=***&Signature=***` |"));
  CHECK(has(t, "`oss-media://result/abc`"));
  CHECK(!has(t, "Local file"));
}

TEST_CASE("present_result prompt: running job, frames, dry run and error results") {
  PromptFixture f;
  json running{{"success", true},
               {"backend", "oss"},
               {"status", "running"},
               {"operations", "video/convert,f_mp4,vcodec_h264"},
               {"request_id", "R2"},
               {"task_id", "MediaConvert-123"},
               {"job_id", "oss:convert:MediaConvert-123:v/out.mp4"},
               {"target_key", "v/out.mp4"}};
  std::string t = f.text("present_result", {{"result", running.dump()}});
  CHECK(has(t, "| 状态 | ⏳ 进行中 |"));
  CHECK(has(t, "| 任务 ID | `MediaConvert-123` |"));
  CHECK(has(t, "`oss:convert:MediaConvert-123:v/out.mp4`"));
  CHECK(has(t, "{\"job_id\":\"oss:convert:MediaConvert-123:v/out.mp4\",\"wait_seconds\":60}"));
  CHECK(has(t, "| OSS 路径 | `v/out.mp4` |"));  // no bucket in the result: the key as is

  json frames{{"success", true},
              {"backend", "oss"},
              {"status", "succeeded"},
              {"operations", "video/snapshots,f_jpg,inter_1000"},
              {"request_id", "R3"},
              {"job_id", "J3"},
              {"target_key", "v/frames/f"},
              {"generated_keys", {"v/frames/f_1.jpg", "v/frames/f_2.jpg"}},
              {"validation_warnings", {"fps differs: 25 vs 30"}}};
  t = f.text("present_result", {{"result", frames.dump()}, {"language", "en"}});
  CHECK(has(t, "| Task ID | `J3` |"));
  CHECK(!has(t, "for job_status"));
  CHECK(has(t, "Generated objects (2):\n- `v/frames/f_1.jpg`\n- `v/frames/f_2.jpg`"));
  CHECK(has(t, "- fps differs: 25 vs 30"));
  CHECK(!has(t, "still running"));

  json dry{{"success", true},
           {"dry_run", true},
           {"operations", "image/resize,w_600"},
           {"process_string", "image/resize,w_600|sys/saveas,o_b3V0,b_YnVj"},
           {"saveas", nullptr},
           {"category", "sync"}};
  t = f.text("present_result", {{"result", dry.dump()}});
  CHECK(has(t, "预览"));
  CHECK(has(t, "- 处理字符串：`image/resize,w_600|sys/saveas,o_b3V0,b_YnVj`"));
  CHECK(!has(t, "saveas："));  // null: left out
  CHECK(has(t, "- 类型：sync"));

  json detected{{"success", true},
                {"backend", "oss"},
                {"operations", "image/faces"},
                {"request_id", "R4"},
                {"data", {{"faces", json::array({{{"confidence", 0.987}}})}}}};
  t = f.text("present_result", {{"result", detected.dump()}, {"language", "en"}});
  CHECK(has(t, "\"confidence\": 0.987"));

  t = f.text("present_result",
             {{"result", "[invalid_argument.resize.w] w must be 1..16384, got 0"}});
  CHECK(has(t, "| 状态 | ❌ 失败 |"));
  CHECK(has(t, "`[invalid_argument.resize.w] w must be 1..16384, got 0`"));
  json err{{"isError", true},
           {"content", json::array({{{"type", "text"}, {"text", "[oss.AccessDenied] denied"}}})}};
  t = f.text("present_result", {{"result", err.dump()}, {"language", "en"}});
  CHECK(has(t, "| Status | ❌ Failed |"));
  CHECK(has(t, "`[oss.AccessDenied] denied`"));

  std::string msg = f.error("present_result", {{"result", "done!"}});
  CHECK(msg.rfind("[invalid_argument.prompt.result]", 0) == 0);
  msg = f.error("present_result", {{"result", "{\"foo\":1}"}});
  CHECK(msg.rfind("[invalid_argument.prompt.result]", 0) == 0);
}

TEST_CASE("make_thumbnail prompt substitutes arguments in both languages") {
  PromptFixture f;
  std::string t = f.text(
      "make_thumbnail",
      {{"source", "images/photo.jpg"}, {"width", "300"}, {"target_key", "images/photo_thumb.jpg"}});
  CHECK(has(t, "`images/photo.jpg`"));
  CHECK(has(t, "宽 300 像素"));
  CHECK(has(t, "`image_process`"));
  CHECK(!has(t, "高："));  // no height given: line left out
  CHECK(!has(t, "{{"));
  CHECK(arguments_block(t) ==
        json{{"source", {{"key", "images/photo.jpg"}}},
             {"operations", {{{"op", "resize"}, {"w", 300}}}},
             {"output", {{"mode", "save"}, {"target_key", "images/photo_thumb.jpg"}}}});

  t = f.text("make_thumbnail", {{"source", "/data/in/a.png"},
                                {"width", "200"},
                                {"height", "100"},
                                {"resize_mode", "fill"},
                                {"format", "webp"},
                                {"path", "a_thumb.webp"},
                                {"language", "en"}});
  CHECK(has(t, "width 200 px"));
  CHECK(has(t, "- Height: 100 px"));
  CHECK(has(t, "- Resize mode (m): fill"));
  CHECK(has(t, "downloaded to `a_thumb.webp`"));
  CHECK(arguments_block(t) == json{{"source", {{"uri", "/data/in/a.png"}}},
                                   {"operations",
                                    {{{"op", "resize"}, {"w", 200}, {"h", 100}, {"m", "fill"}},
                                     {{"op", "format"}, {"value", "webp"}}}},
                                   {"output", {{"mode", "download"}, {"path", "a_thumb.webp"}}}});

  t = f.text("make_thumbnail", {{"source", "a.jpg"}, {"width", "64"}, {"language", "en"}});
  CHECK(arguments_block(t)["output"] == json{{"mode", "url"}});
  CHECK(has(t, "url mode"));

  CHECK(f.error("make_thumbnail", {{"source", "a.jpg"}, {"width", "0"}})
            .rfind("[invalid_argument.prompt.width] width must be an integer 1..16384, got \"0\"",
                   0) == 0);
  CHECK(f.error("make_thumbnail",
                {{"source", "a.jpg"}, {"width", "9"}, {"target_key", "b.jpg"}, {"path", "b.jpg"}})
            .rfind("[invalid_argument.prompt.path]", 0) == 0);
  CHECK(
      has(f.error("make_thumbnail", {{"source", "a.jpg"}, {"width", "9"}, {"resize_mode", "zoom"}}),
          "lfit, mfit, fill, pad, fixed"));
}

TEST_CASE("transcode_video prompt always sets vcodec") {
  PromptFixture f;
  std::string t =
      f.text("transcode_video", {{"source", "videos/in.mov"}, {"target_key", "videos/out.mkv"}});
  CHECK(has(t, "转码"));
  CHECK(has(t, "- 视频编码（vcodec）：h264"));
  CHECK(has(t, "- 容器格式（f）：mkv"));
  CHECK(!has(t, "- 分辨率（s）"));
  CHECK(arguments_block(t) ==
        json{{"source", {{"key", "videos/in.mov"}}},
             {"f", "mkv"},
             {"vcodec", "h264"},
             {"output", {{"mode", "save"}, {"target_key", "videos/out.mkv"}}}});
  t = f.text("transcode_video", {{"source", "videos/in.mov"},
                                 {"target_key", "videos/out"},
                                 {"vcodec", "h265"},
                                 {"resolution", "1280X720"},
                                 {"bitrate", "2M"},
                                 {"fps", "30"},
                                 {"acodec", "aac"},
                                 {"path", "out.mp4"},
                                 {"language", "en"}});
  CHECK(has(t, "- Video bitrate (vb): 2000000 bit/s"));
  CHECK(arguments_block(t) ==
        json{{"source", {{"key", "videos/in.mov"}}},
             {"f", "mp4"},
             {"vcodec", "h265"},
             {"s", "1280x720"},
             {"vb", 2000000},
             {"fps", 30},
             {"acodec", "aac"},
             {"output", {{"mode", "save"}, {"target_key", "videos/out"}, {"path", "out.mp4"}}}});
  t = f.text("transcode_video", {{"source", "a.mp4"}, {"target_key", "b.mp4"}, {"fps", "29.97"}});
  CHECK(arguments_block(t).at("fps") == json(29.97));
  for (const char* bad : {"29.9751", "240.5", "1e2", "-1", ".5", "30."}) {
    CAPTURE(bad);
    CHECK(f.error("transcode_video", {{"source", "a.mp4"}, {"target_key", "b.mp4"}, {"fps", bad}})
              .rfind("[invalid_argument.prompt.fps]", 0) == 0);
  }
  CHECK(f.error("transcode_video",
                {{"source", "a.mp4"}, {"target_key", "b.mp4"}, {"bitrate", "fast"}})
            .rfind("[invalid_argument.prompt.bitrate]", 0) == 0);
  CHECK(f.error("transcode_video",
                {{"source", "a.mp4"}, {"target_key", "b.mp4"}, {"resolution", "720p"}})
            .rfind("[invalid_argument.prompt.resolution]", 0) == 0);
}

TEST_CASE("add_watermark, detect_faces and extract_frames prompts") {
  PromptFixture f;
  std::string t = f.text("add_watermark", {{"source", "images/a.jpg"},
                                           {"text", "© 2026 \"ACME\""},
                                           {"position", "se"},
                                           {"target_key", "images/a_wm.jpg"}});
  CHECK(has(t, "“© 2026 \"ACME\"”"));
  CHECK(has(t, "- 位置（g）：se"));
  CHECK(!has(t, "- 字号（size）"));
  CHECK(arguments_block(t)["operations"] ==
        json{{{"op", "watermark"}, {"text", "© 2026 \"ACME\""}, {"g", "se"}}});
  CHECK(has(f.error("add_watermark", {{"source", "a.jpg"}, {"text", "x"}, {"position", "top"}}),
            "position must be one of nw, north"));

  t = f.text("detect_faces", {{"source", "images/people.jpg"}, {"language", "en"}});
  CHECK(has(t, "`image_detect`"));
  CHECK(arguments_block(t) ==
        json{{"source", {{"key", "images/people.jpg"}}}, {"detect", "faces"}});

  t = f.text("extract_frames",
             {{"source", "v/in.mp4"}, {"target_key", "v/frames/f"}, {"interval", "1000"}});
  CHECK(has(t, "`video_frames`"));
  CHECK(has(t, "`v/frames/f_<n>.jpg`"));
  CHECK(arguments_block(t) == json{{"source", {{"key", "v/in.mp4"}}},
                                   {"f", "jpg"},
                                   {"inter", 1000},
                                   {"output", {{"mode", "save"}, {"target_key", "v/frames/f"}}}});
  CHECK(f.error("extract_frames", {{"source", "v/in.mp4"}, {"target_key", "v/frames/f.jpg"}})
            .rfind("[invalid_argument.prompt.target_key]", 0) == 0);
}

TEST_CASE("prompts reject an unknown language and missing required arguments") {
  PromptFixture f;
  for (const auto& name : kPrompts) {
    std::string msg = f.error(name, {{"language", "fr"},
                                     {"result", "{}"},
                                     {"source", "a"},
                                     {"width", "1"},
                                     {"target_key", "b"},
                                     {"text", "t"}});
    CHECK_MESSAGE(
        msg == "[invalid_argument.prompt.language] language must be one of zh, en, got \"fr\"",
        name);
  }
  // an empty language is the default
  CHECK(has(f.text("detect_faces", {{"source", "a.jpg"}, {"language", ""}}), "人脸"));
  CHECK(has(f.error("make_thumbnail", {{"source", "a.jpg"}}), "width"));
  CHECK(f.error("detect_faces", {{"source", ""}}).rfind("[invalid_argument.prompt.source]", 0) ==
        0);
}

TEST_CASE("completion of the language argument and of enumerated arguments") {
  PromptFixture f;
  auto complete = [&](const std::string& prompt, const std::string& arg, const std::string& value) {
    json r = f.request("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", prompt}}},
                                               {"argument", {{"name", arg}, {"value", value}}}});
    REQUIRE_MESSAGE(r.contains("result"), r.dump());
    return r["result"]["completion"]["values"];
  };
  for (const auto& name : kPrompts) {
    CHECK_MESSAGE((complete(name, "language", "") == json{"zh", "en"}), name);
    CHECK(complete(name, "language", "e") == json{"en"});
    CHECK(complete(name, "language", "z") == json{"zh"});
    CHECK(complete(name, "language", "x") == json::array());
  }
  CHECK(complete("transcode_video", "vcodec", "h") == json{"h264", "h265"});
  CHECK(complete("add_watermark", "position", "n") == json{"nw", "north", "ne", "n"});
  CHECK(complete("detect_faces", "source", "") == json::array());
}

TEST_CASE("SKILL.md is served as oss-media://docs/skill") {
  PromptFixture f;
  json r = f.request("resources/list", json::object());
  REQUIRE(r.contains("result"));
  bool listed = false;
  for (const auto& res : r["result"]["resources"]) {
    if (res["uri"] == "oss-media://docs/skill") {
      listed = true;
      CHECK(res["mimeType"] == "text/markdown");
    }
  }
  CHECK(listed);
  r = f.request("resources/read", {{"uri", "oss-media://docs/skill"}});
  REQUIRE(r.contains("result"));
  const json& c = r["result"]["contents"][0];
  CHECK(c["uri"] == "oss-media://docs/skill");
  CHECK(c["mimeType"] == "text/markdown");
  std::string text = c["text"];
  CHECK(text == std::string(*embedded::find(embedded::doc_files(), "SKILL.md")));
  CHECK(has(text, "image_process"));
  CHECK(has(text, "处理结果如下："));
}
