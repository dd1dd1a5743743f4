// Raw HTTP against the server (node:http, one connection per request, no SDK), for status-code
// checks and for holding SSE streams open.
import http from "node:http";

export const ACCEPT_BOTH = "application/json, text/event-stream";
export const PROTOCOL = "2025-11-25";

let nextId = 1;
export const rpc = (method, params, id = nextId++) => ({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) });
export const notification = (method, params) => ({ jsonrpc: "2.0", method, ...(params ? { params } : {}) });

export function initializeRequest(id = nextId++) {
  return rpc(
    "initialize",
    { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "oss-media-mcp-e2e-raw", version: "0.0.1" } },
    id,
  );
}

// Incremental SSE parser: feed(chunk) returns complete events {event, id, data, retry}.
export function sseParser() {
  let buf = "";
  let cur = { data: [] };
  return (chunk) => {
    buf += chunk;
    const out = [];
    let nl;
    while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (cur.data.length || cur.event || cur.id !== undefined) out.push({ ...cur, data: cur.data.join("\n") });
        cur = { data: [] };
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") cur.data.push(value);
      else if (field === "event") cur.event = value;
      else if (field === "id") cur.id = value;
      else if (field === "retry") cur.retry = Number(value);
    }
    return out;
  };
}

// Sends one request. body: object (JSON-encoded), string/Buffer (sent as is) or undefined.
// Resolves { status, headers, text, json, messages } once the response is complete, or, for an
// SSE response, as soon as a JSON-RPC response whose id is `waitForId` arrives (the connection
// is then closed). `messages` holds the JSON-RPC messages found (JSON body or SSE data).
export function request(url, { method = "POST", headers = {}, body, waitForId, timeoutMs = 10000 } = {}) {
  const u = new URL(url);
  const payload = body === undefined ? undefined : typeof body === "object" && !Buffer.isBuffer(body) ? JSON.stringify(body) : body;
  const h = { ...headers };
  if (payload !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) {
    h["Content-Type"] = "application/json";
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, agent: false },
      (res) => {
        const isSse = (res.headers["content-type"] ?? "").startsWith("text/event-stream");
        const feed = sseParser();
        const chunks = [];
        const messages = [];
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          let json;
          if (!isSse && text.length) {
            try {
              json = JSON.parse(text);
              messages.push(json);
            } catch {
              /* not JSON */
            }
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json, messages });
        };
        res.on("data", (c) => {
          chunks.push(c);
          if (!isSse) return;
          for (const ev of feed(c.toString("utf8"))) {
            if (!ev.data) continue;
            try {
              const m = JSON.parse(ev.data);
              messages.push(m);
              if (waitForId !== undefined && m.id === waitForId && !m.method) {
                finish();
                req.destroy();
              }
            } catch {
              /* ignore non-JSON data */
            }
          }
        });
        res.on("end", finish);
        res.on("error", (e) => (done ? null : reject(e)));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// POSTs one JSON-RPC message with the usual client headers.
export function post(url, message, { session, protocol = PROTOCOL, headers = {}, ...rest } = {}) {
  const h = { Accept: ACCEPT_BOTH, ...headers };
  if (session) h["Mcp-Session-Id"] = session;
  if (protocol) h["MCP-Protocol-Version"] = protocol;
  return request(url, { method: "POST", headers: h, body: message, waitForId: message?.id, ...rest });
}

// initialize + notifications/initialized; resolves { session, init } (init is the response).
export async function openSession(url) {
  const init = initializeRequest();
  const r = await post(url, init, { protocol: null });
  if (r.status !== 200) throw new Error(`initialize: HTTP ${r.status} ${r.text}`);
  const session = r.headers["mcp-session-id"];
  if (!session) throw new Error("initialize: no Mcp-Session-Id header");
  const resp = r.messages.find((m) => m.id === init.id);
  if (!resp?.result) throw new Error(`initialize: no result in ${r.text}`);
  const n = await post(url, notification("notifications/initialized"), { session });
  if (n.status !== 202) throw new Error(`notifications/initialized: HTTP ${n.status} ${n.text}`);
  return { session, init: resp };
}

// Opens GET /mcp as an SSE stream for a session and keeps it open. Resolves once the response
// headers are in: { status, headers, events, close() }.
export function openGetStream(url, session, { protocol = PROTOCOL, timeoutMs = 5000 } = {}) {
  const u = new URL(url);
  const headers = { Accept: "text/event-stream", "Mcp-Session-Id": session };
  if (protocol) headers["MCP-Protocol-Version"] = protocol;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "GET", headers, agent: false });
    const timer = setTimeout(() => req.destroy(new Error(`GET stream: no headers within ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on("response", (res) => {
      clearTimeout(timer);
      const events = [];
      const feed = sseParser();
      let ended = false;
      res.on("data", (c) => events.push(...feed(c.toString("utf8"))));
      res.on("end", () => (ended = true));
      res.on("error", () => (ended = true));
      resolve({
        status: res.statusCode,
        headers: res.headers,
        events,
        get ended() {
          return ended;
        },
        close: () => req.destroy(),
      });
    });
    req.end();
  });
}
