// Fixture tools, resources and prompts expected by the MCP conformance suite
// (@modelcontextprotocol/conformance server scenarios), plus `test_slow_operation` used by the
// project's own end-to-end tests of progress and cancellation. Registered only with
// `serve --conformance-fixtures`; never part of the product's tool list.
#pragma once

namespace omm::mcp {
class Server;
}

namespace omm::tools {

void register_conformance_fixtures(mcp::Server& server);

}  // namespace omm::tools
