// tools/list sends each product tool's entry as text generated at build time
// (tools/gen_schemas.py, embedded::tool_listing()). This pins that the text is exactly the entry
// the tool's published, output and validation schemas call for (and what describe() fills in),
// and that a whole tools/list response
// assembled from it — first page, later pages, and through a redacting server — is the JSON the
// json path would send.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "core/embedded.h"
#include "mcp/memory_outbox.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "tools/product_tools.h"

namespace {

using nlohmann::json;

json initialize(omm::mcp::Session& session, const std::shared_ptr<omm::mcp::MemoryOutbox>& outbox) {
  session.receive(json{{"jsonrpc", "2.0"},
                       {"id", 0},
                       {"method", "initialize"},
                       {"params",
                        {{"protocolVersion", "2025-11-25"},
                         {"capabilities", json::object()},
                         {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
  REQUIRE(outbox->wait_for(1));
  return outbox->sent().back().message;
}

// Every page of tools/list through a session, concatenated.
json list_all(omm::mcp::Server& server) {
  auto outbox = std::make_shared<omm::mcp::MemoryOutbox>();
  auto session = server.open_session(outbox, "t");
  initialize(*session, outbox);
  json tools = json::array();
  json cursor;
  for (int page = 1; page < 100; ++page) {
    json req{
        {"jsonrpc", "2.0"}, {"id", page}, {"method", "tools/list"}, {"params", json::object()}};
    if (!cursor.is_null()) req["params"]["cursor"] = cursor;
    size_t before = outbox->size();
    session->receive(req);
    REQUIRE(outbox->wait_for(before + 1));
    json m = outbox->sent().back().message;
    CHECK(m["id"] == page);
    CHECK(m["jsonrpc"] == "2.0");
    REQUIRE(m.contains("result"));
    for (auto& t : m["result"]["tools"]) tools.push_back(t);
    if (!m["result"].contains("nextCursor")) break;
    cursor = m["result"]["nextCursor"];
  }
  return tools;
}

}  // namespace

// The entry a tool's schemas call for, built here from the published, output and validation
// schemas (what tools/gen_schemas.py derives the text from).
static json expected_entry(const std::string& tool) {
  auto parse = [&](std::span<const omm::embedded::File> files) {
    auto text = omm::embedded::find(files, tool + ".json");
    REQUIRE(text.has_value());
    return json::parse(*text);
  };
  json input = parse(omm::embedded::published_schemas());
  json validation = parse(omm::embedded::schema_files());
  json entry{{"name", tool},
             {"title", validation["x-title"]},
             {"description", input["description"]},
             {"outputSchema", parse(omm::embedded::output_schemas())},
             {"annotations", validation["x-annotations"]}};
  entry["annotations"]["title"] = validation["x-title"];
  input.erase("description");
  entry["inputSchema"] = input;
  return entry;
}

TEST_CASE(
    "tools/list: the build-time entry of every product tool is the one its schemas call for") {
  omm::mcp::Server server(omm::mcp::ServerInfo{}, omm::mcp::ServerOptions{});
  omm::tools::register_product_tools(server, omm::tools::ProductToolOptions{});
  const auto& built = server.tools().listing();  // describe() path
  const auto& text = server.tools().listing_text();
  REQUIRE(built.size() == text.size());
  size_t count = 0;
  omm::tools::product_tool_names(&count);
  REQUIRE(built.size() == count);
  for (size_t i = 0; i < built.size(); ++i) {
    std::string name = built[i]["name"];
    CAPTURE(name);
    const omm::mcp::ToolSpec* spec = server.tools().find(name);
    REQUIRE(spec != nullptr);
    CHECK_FALSE(spec->listing_json.empty());
    json parsed = json::parse(text[i], nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    json want = expected_entry(name);
    CHECK(parsed == want);
    CHECK(text[i] == want.dump());  // byte for byte: sorted keys, compact
    CHECK(built[i] == want);        // describe() fills the fields from the same entry
  }
}

TEST_CASE("tools/list: pages of text entries equal the entries, with or without redaction") {
  for (size_t page_size : {size_t{100}, size_t{7}, size_t{1}}) {
    for (bool redacting : {false, true}) {
      CAPTURE(page_size);
      CAPTURE(redacting);
      omm::mcp::ServerOptions options;
      options.page_size = page_size;
      if (redacting) options.redact = [](json& message) { message["redacted"] = true; };
      omm::mcp::Server server(omm::mcp::ServerInfo{}, options);
      omm::tools::register_product_tools(server, omm::tools::ProductToolOptions{});
      json tools = list_all(server);
      json want(server.tools().listing());
      CHECK(tools == want);
    }
  }
}

TEST_CASE("tools/list: an invalid cursor is still -32602") {
  omm::mcp::Server server(omm::mcp::ServerInfo{}, omm::mcp::ServerOptions{});
  omm::tools::register_product_tools(server, omm::tools::ProductToolOptions{});
  auto outbox = std::make_shared<omm::mcp::MemoryOutbox>();
  auto session = server.open_session(outbox, "t");
  initialize(*session, outbox);
  session->receive(json{{"jsonrpc", "2.0"},
                        {"id", "x"},
                        {"method", "tools/list"},
                        {"params", {{"cursor", "o:999"}}}});
  REQUIRE(outbox->wait_for(2));
  json m = outbox->sent().back().message;
  CHECK(m["id"] == "x");
  CHECK(m["error"]["code"] == -32602);
}
