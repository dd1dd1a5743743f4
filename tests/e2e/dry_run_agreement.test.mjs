// "A dry run refuses what the real run refuses" (DESIGN.md "Results": a dry run answers the plan
// after the run's own checks), on the local backend and — OMM_E2E_BACKEND=oss — on the oss backend
// against `emulate`. For every tool whose tools/list input schema has a `dry_run` property, refused
// argument variants derived from that schema are called twice, `dry_run: true` then `dry_run:
// false`, and both answers must be tool errors with the same `[id]`:
// - output.path outside the output directory ("../escape.<ext>", "a/../../…", absolute paths), and
//   output.path or mode download with `no_download: true`;
// - a `uri` source outside the input directories (/etc/hostname, an image beside the root);
// - a bucket (local) or region (local: any; oss: not the server's cn-hangzhou) the server does not serve;
// - target_key / target_prefix in the server's areas (.jobs/, .tmp/, .oss-media-mcp/), with a ".."
//   segment, and a source key in a reserved area;
// - every top-level integer bound (min-1, max+1) and enum ("x", or max+1 for integer enums);
// - image_process: every parameter of every operation out of its range, from the schema's per-op
//   `anyOf` entries (plus minLength/maxLength of strings);
// - cross-field rules: 4 watermarks in one chain, resize m fixed 16384×16384 (over OSS's
//   16,777,216-pixel output), blindwatermark not last, video_sprite psw 0, video_snapshot ar "x",
//   and the image_process ones inside batch_process arguments.
// The sources exist (tiny generated media in the root / emulator bucket), so a real run is not
// refused for a missing object before reaching the check in question. A real run that succeeds
// fails its variant; what it wrote outside the output directory or into a reserved area is
// removed, and a job it started is cancelled.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import * as lib from "./lib/local_media.mjs";

const s = lib.scratch("omm-dry-agree-");
const IMG = "in/photo.jpg", VID = "in/clip.mp4", AUD = "in/tone.wav";
const OUTSIDE = path.join(s.work, "outside.jpg"); // a real image outside every input directory
const SERVER_DIRS = ["state", ".home"]; // what the server and emulator may create in s.work
const REGION = "cn-beijing"; // not the server's (cn-hangzhou); any region is refused on local

// A valid request per tool (each dry-runs successfully: checked below); variants change one thing.
const BASE = {
  image_process: { source: { key: IMG }, operations: [{ op: "resize", w: 32 }], output: { mode: "save", target_key: "out/p.jpg" } },
  image_inspect: { source: { key: IMG }, what: "info" },
  image_detect: { source: { key: IMG }, detect: "faces" },
  image_watermark_extract: { source: { key: IMG } },
  video_transcode: { source: { key: VID }, f: "mp4", vcodec: "h264", acodec: "aac", output: { mode: "save", target_key: "out/t.mp4" } },
  video_snapshot: { source: { key: VID }, t: 0, f: "jpg", output: { mode: "save", target_key: "out/s.jpg" } },
  video_frames: { source: { key: VID }, f: "jpg", inter: 500, num: 2, output: { mode: "save", target_key: "out/fr/f" } },
  video_sprite: { source: { key: VID }, f: "jpg", num: 4, output: { mode: "save", target_key: "out/sp.jpg" } },
  video_animation: { source: { key: VID }, f: "gif", w: 64, inter: 200, num: 3, output: { mode: "save", target_key: "out/a.gif" } },
  media_concat: { kind: "video", source: { key: VID }, inputs: [{ key: VID }], f: "mp4", vcodec: "h264", acodec: "aac",
                  output: { mode: "save", target_key: "out/c.mp4" } },
  media_info: { source: { key: VID }, kind: "video" },
  audio_transcode: { source: { key: AUD }, f: "mp3", output: { mode: "save", target_key: "out/a.mp3" } },
  hls_playlist: { source: { key: VID }, vcodec: "h264" },
  batch_process: { tool: "image_process", source: { keys: [IMG] }, arguments: { operations: [{ op: "resize", w: 32 }] },
                   output: { mode: "save", target_prefix: "out/b/" } },
};

// The out-of-range values of a schema property (none when it has no bound to cross).
function badValues(p) {
  const out = [];
  if (p.enum) out.push(p.enum.every((v) => typeof v === "number") ? Math.max(...p.enum) + 1 : "x");
  if (p.type === "integer" && p.minimum !== undefined) out.push(p.minimum - 1);
  if (p.type === "integer" && p.maximum !== undefined) out.push(p.maximum + 1);
  if (p.type === "string" && p.minLength > 0) out.push("");
  if (p.type === "string" && p.maxLength !== undefined) out.push("x".repeat(p.maxLength + 1));
  return out;
}
// A valid value for a required operation parameter.
const goodValue = (p) => p.enum ? p.enum[0] : p.type === "integer" ? Math.max(p.minimum ?? 1, 1) : p.pattern?.includes("0-9A-Fa-f") ? "FFFFFF" : "x";

// image_process: each parameter of each operation (one `anyOf` entry per op, `op` a const) out of range.
// The op is otherwise valid: its required fields, one of its anyOf alternatives, and what a rule
// stated only in words needs (a watermark needs text or image, indexcrop exactly one of x/y, crop p needs g face).
const COMPANION = { watermark: { text: "hi" }, indexcrop: { x: 10 } };
const PARAM_COMPANION = { "crop.p": { g: "face" } };
function opVariants(schema) {
  const out = [];
  for (const entry of schema.properties.operations.items.anyOf) {
    const op = entry.properties.op.const;
    for (const [param, p] of Object.entries(entry.properties)) {
      if (param === "op") continue;
      const base = { op, ...COMPANION[op], ...PARAM_COMPANION[`${op}.${param}`] };
      for (const r of entry.required ?? []) if (r !== "op" && r !== param) base[r] = goodValue(entry.properties[r]);
      const alts = (entry.anyOf ?? []).map((a) => a.required[0]);
      if (alts.length && !alts.includes(param)) base[alts[0]] = goodValue(entry.properties[alts[0]]);
      if (op === "indexcrop" && (param === "x" || param === "y")) delete base[param === "x" ? "y" : "x"];
      for (const bad of badValues(p)) {
        out.push([`${op}.${param}=${JSON.stringify(bad).slice(0, 24)}`, { operations: [{ ...base, [param]: bad }] }]);
      }
    }
  }
  const wm = { op: "watermark", text: "a" };
  out.push(["4 watermarks in one chain", { operations: [wm, wm, wm, wm] }]);
  out.push(["resize m fixed 16384x16384 (over 16,777,216 pixels)", { operations: [{ op: "resize", m: "fixed", w: 16384, h: 16384 }] }]);
  out.push(["blindwatermark not last", { operations: [{ op: "blindwatermark", content: "c" }, { op: "resize", w: 32 }] }]);
  return out;
}

// Every refused variant of one tool, from its input schema: [name, args, keys a wrong success would write].
function variants(tool, schema) {
  const base = BASE[tool];
  const props = schema.properties;
  const out = [];
  const add = (name, change, reserved) => out.push([name, { ...base, ...change }, reserved]);
  const o = props.output?.properties;
  const ext = path.extname(base.output?.target_key ?? "") || (tool === "batch_process" || tool === "video_frames" ? "" : ".jpg");
  if (o?.path) {
    const put = (p) => (o.mode.enum.includes("download") ? { mode: "download", path: p } : { ...base.output, path: p });
    add("output.path ../escape", { output: put(`../escape${ext}`) });
    add("output.path absolute outside the output dir", { output: put(path.join(s.work, `abs-escape${ext}`)) });
    add("output.path a/../../escape", { output: put(`a/../../escape2${ext}`) });
    if (props.no_download) add("no_download with output.path", { no_download: true, output: put(`nd${ext}`) });
  }
  if (props.source?.properties?.uri) {
    add("source.uri /etc/hostname", { source: { uri: "/etc/hostname" } });
    add("source.uri outside the input dirs", { source: { uri: OUTSIDE } });
  }
  if (props.source?.properties?.key) add("source.key .jobs/x.json", { source: { key: ".jobs/x.json" } });
  if (props.bucket && !lib.OSS) add("bucket other-bucket (local)", { bucket: "other-bucket" });
  if (props.region) add(`region ${REGION}`, { region: REGION });
  if (o?.target_key) {
    for (const key of [`.jobs/x${ext}`, ".oss-media-mcp/x", `.tmp/x${ext}`, `out/../x${ext}`, `../x${ext}`]) {
      add(`output.target_key ${key}`, { output: { ...base.output, target_key: key } }, [path.normalize(key)]);
    }
  }
  if (o?.target_prefix) {
    for (const prefix of [".jobs/", ".oss-media-mcp/", ".tmp/", "out/../", "../"]) {
      add(`output.target_prefix ${prefix}`, { output: { ...base.output, target_prefix: prefix } },
          [path.normalize(`${prefix}photo.jpg`), path.normalize(`${prefix}${IMG}`)]);
    }
  }
  for (const [k, p] of Object.entries(props)) {
    if (["source", "output", "operations", "arguments", "inputs", "bucket", "region", "dry_run"].includes(k)) continue;
    for (const bad of badValues(p)) add(`${k}=${JSON.stringify(bad).slice(0, 24)}`, { [k]: bad });
  }
  if (tool === "image_process") for (const [n, c] of opVariants(schema)) add(n, c);
  if (tool === "batch_process") {
    for (const [n, c] of opVariants(imageSchema).slice(-3)) add(`arguments: ${n}`, { arguments: c });
  }
  if (tool === "video_sprite") add("psw=0", { psw: 0 });
  if (tool === "video_snapshot") add('ar="x"', { ar: "x" });
  return [...new Map(out.map((v) => [v[0], v])).values()]; // once per name
}
let imageSchema;

// "ok" (with a status other than succeeded, e.g. a batch whose items failed), or the error's id.
function outcome(r) {
  const status = r.structuredContent?.status;
  if (!r.isError) return status && status !== "succeeded" ? `ok (status ${status})` : "ok";
  return /^\[([^\]]+)\]/.exec(r.content?.[0]?.text ?? "")?.[1] ?? `no id: ${r.content?.[0]?.text}`;
}

describe(`${lib.BACKEND} backend: a dry run refuses what the real run refuses, with the same id`, () => {
  let client;
  let tools;
  const table = []; // every variant's outcome, written to results/ for reading
  before(async () => {
    mkdirSync(s.at("in"), { recursive: true });
    mkdirSync(s.outputs, { recursive: true });
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", s.at(IMG));
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", OUTSIDE);
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", s.at(VID));
    lib.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", s.at(AUD));
    client = await lib.startServer(s);
    tools = (await client.listTools()).tools.filter((t) => t.inputSchema?.properties?.dry_run);
    imageSchema = tools.find((t) => t.name === "image_process")?.inputSchema;
  });
  after(async () => {
    mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
    writeFileSync(path.join(import.meta.dirname, "results", `dry_run_agreement-${lib.BACKEND}.json`), JSON.stringify(table, null, 1));
    await client?.close();
    rmSync(s.work, { recursive: true, force: true });
  });

  // Dry run, then the real run; the real run's side effects outside the output directory and in
  // reserved areas are undone and reported.
  async function run(tool, args, wait, reserved = []) {
    const top = new Set(readdirSync(s.work));
    if (wait && args.wait_seconds === undefined) args = { ...args, wait_seconds: wait }; // a real job's own outcome
    const dry = await lib.raw(client, tool, { ...args, dry_run: true });
    const real = await lib.raw(client, tool, { ...args, dry_run: false });
    const notes = [];
    const job = real.structuredContent?.job_id;
    if (!real.isError && real.structuredContent?.status === "running" && job) {
      await lib.raw(client, "job_status", { job_id: job, cancel: true });
      notes.push(`job ${job} left running, cancelled`);
    }
    for (const e of readdirSync(s.work)) {
      if (!top.has(e) && !SERVER_DIRS.includes(e)) {
        rmSync(path.join(s.work, e), { recursive: true, force: true });
        notes.push(`wrote ${e} outside the output directory (removed)`);
      }
    }
    for (const key of reserved.filter((k) => /^\.(jobs|tmp|oss-media-mcp)\//.test(k))) {
      if (existsSync(s.at(key))) {
        rmSync(s.at(key), { recursive: true, force: true });
        notes.push(`wrote ${key} (removed)`);
      }
    }
    return { dry: outcome(dry), real: outcome(real), notes };
  }

  test("the tools with dry_run in tools/list are exactly those tested here", () => {
    assert.deepEqual(tools.map((t) => t.name).sort(), Object.keys(BASE).sort(), "add a missing tool's base request to BASE");
  });

  // One test per tool: its base request dry-runs, then every refused variant agrees.
  for (const tool of Object.keys(BASE)) {
    test(tool, async () => {
      const schema = tools.find((t) => t.name === tool)?.inputSchema;
      assert.ok(schema, `${tool} is listed with dry_run`);
      const ok = await lib.raw(client, tool, { ...BASE[tool], dry_run: true });
      assert.ok(!ok.isError, `the base request dry-runs: ${JSON.stringify(ok.content)}`);
      const bad = [];
      const list = variants(tool, schema);
      for (const [name, args, reserved] of list) {
        const r = await run(tool, args, schema.properties.wait_seconds ? 60 : undefined, reserved);
        table.push({ tool, variant: name, ...r });
        const agree = !r.dry.startsWith("ok") && r.dry === r.real && r.notes.length === 0;
        if (!agree) bad.push(`  ${name}: dry ${r.dry}, real ${r.real}${r.notes.length ? ` (${r.notes.join("; ")})` : ""}`);
      }
      assert.equal(bad.length, 0, `${tool}: ${bad.length} of ${list.length} variants disagree or are not refused:\n${bad.join("\n")}`);
    });
  }

  lib.leakTest(() => client);
});
