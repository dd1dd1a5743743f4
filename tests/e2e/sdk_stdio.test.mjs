// The official SDK client over stdio (StdioClientTransport spawns the server per session, each
// with the same temporary --output-dir).
import { after } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import { assertBinary, BIN, collect } from "./lib/server.mjs";
import { defineSdkSuite } from "./lib/sdk_suite.mjs";

const outputDir = mkdtempSync(path.join(os.tmpdir(), "omm-e2e-sdk-stdio-"));
after(() => rmSync(outputDir, { recursive: true, force: true }));

defineSdkSuite(
  "stdio",
  async ({ fixtures }) => {
    assertBinary();
    const args = ["serve", "--output-dir", outputDir, ...(fixtures ? ["--conformance-fixtures"] : [])];
    const transport = new StdioClientTransport({ command: BIN, args, stderr: "pipe" });
    // Drain stderr so a chatty server never blocks on a full pipe.
    collect(transport.stderr);
    return transport;
  },
  { outputDir },
);
