// The official SDK client over stdio (StdioClientTransport spawns the server per session).
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import { assertBinary, BIN, collect } from "./lib/server.mjs";
import { defineSdkSuite } from "./lib/sdk_suite.mjs";

defineSdkSuite("stdio", async ({ fixtures }) => {
  assertBinary();
  const args = ["serve", ...(fixtures ? ["--conformance-fixtures"] : [])];
  const transport = new StdioClientTransport({ command: BIN, args, stderr: "pipe" });
  // Drain stderr so a chatty server never blocks on a full pipe.
  collect(transport.stderr);
  return transport;
});
