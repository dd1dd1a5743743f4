// The product's tools through the official SDK client: every DESIGN.md tool is listed with its
// description, published input schema, output schema and annotations (listTools() compiles every
// output schema); every processing tool answers dry_run with the exact process string; and the
// CLI (`oss-media-mcp process`, the skill's string syntax) renders the same strings and the same
// error ids as the tools for the same request.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import { BIN, assertBinary } from "./lib/server.mjs";

const run = promisify(execFile);

const DESIGN_TOOLS = [
  "audio_transcode", "batch_process", "doctor", "hls_playlist", "image_detect", "image_inspect", "image_process",
  "image_watermark_extract", "imm_setup", "job_status", "media_concat", "media_info",
  "object_download", "object_head", "object_list", "object_upload", "video_animation",
  "video_frames", "video_snapshot", "video_sprite", "video_transcode",
];

// [tool, arguments, expected operations, expected saveas suffix (local backend: no b_), CLI argv]
const CASES = [
  ["image_process",
   { source: { key: "in/a.jpg" },
     operations: [{ op: "resize", w: 600, m: "lfit" }, { op: "watermark", text: "© 2026", g: "se", t: 60, size: 30 },
                  { op: "rotate", value: 90 }, { op: "quality", Q: 80 }, { op: "format", value: "webp" }],
     output: { mode: "save", target_key: "out/a.webp" } },
   "image/resize,w_600,m_lfit/watermark,t_60,g_se,text_wqkgMjAyNg,size_30/rotate,90/quality,Q_80/format,webp",
   "|sys/saveas,o_b3V0L2Eud2VicA",
   ["--source", "in/a.jpg", "--operations", "resize:w=600,mode=lfit", "watermark:text=© 2026,g=se,opacity=60,size=30",
    "rotate:angle=90", "quality:Q=80", "format:webp", "--output-mode", "save", "--target-key", "out/a.webp"]],
  ["image_inspect", { source: { key: "in/a.jpg" }, what: "info" }, "image/info", null,
   ["--source", "in/a.jpg", "--operations", "info"]],
  ["image_inspect", { source: { key: "in/a.jpg" }, what: "average-hue" }, "image/average-hue", null,
   ["--source", "in/a.jpg", "--operations", "average-hue"]],
  ["image_detect", { source: { key: "in/a.jpg" }, detect: "faces" }, "image/faces", null,
   ["--source", "in/a.jpg", "--operations", "faces"]],
  ["image_detect", { source: { key: "in/a.jpg" }, detect: "codes" }, "image/codes", null,
   ["--source", "in/a.jpg", "--operations", "codes"]],
  ["image_watermark_extract", { source: { key: "out/marked.jpg" }, s: "medium" }, "blindwatermark-extract,s_medium", null,
   ["--source", "out/marked.jpg", "--operations", "blindwatermark-extract:s=medium"]],
  ["video_transcode",
   { source: { key: "v/in.mov" }, f: "mp4", vcodec: "h264", s: "1280x720", vb: 2000000, fps: 30, acodec: "aac", ab: 128000,
     output: { mode: "save", target_key: "v/out.mp4" } },
   "video/convert,f_mp4,vcodec_h264,acodec_aac,s_1280x720,fps_30,vb_2000000,ab_128000", "|sys/saveas,o_di9vdXQubXA0",
   ["--source", "v/in.mov", "--operations", "video/convert:f=mp4,vcodec=h264,s=1280x720,vb=2000000,fps=30,acodec=aac,ab=128000",
    "--target-key", "v/out.mp4"]],
  ["video_snapshot", { source: { key: "v/in.mp4" }, t: 2000, f: "jpg", w: 800, m: "fast", output: { mode: "url" } },
   "video/snapshot,t_2000,w_800,m_fast,f_jpg", null,
   ["--source", "v/in.mp4", "--operations", "video/snapshot:t=2000,f=jpg,w=800,m=fast", "--output-mode", "url"]],
  ["video_snapshot", { source: { key: "v/in.mp4" }, t: 0, f: "png", output: { mode: "url" } },
   "video/snapshot,t_0,f_png", null,
   ["--source", "v/in.mp4", "--operations", "video/snapshot:t=0,f=png", "--output-mode", "url"]],
  ["video_frames", { source: { key: "v/in.mp4" }, f: "jpg", inter: 1000, num: 10, output: { mode: "save", target_key: "v/frames/f" } },
   "video/snapshots,f_jpg,num_10,inter_1000", "|sys/saveas,o_di9mcmFtZXMvZg",
   ["--source", "v/in.mp4", "--operations", "video/snapshots:f=jpg,inter=1000,num=10", "--target-key", "v/frames/f"]],
  ["video_sprite",
   { source: { key: "v/in.mp4" }, f: "jpg", sw: 160, sh: 90, tw: 5, th: 5, num: 25, output: { mode: "save", target_key: "v/sprite.jpg" } },
   "video/sprite,f_jpg,num_25,sw_160,sh_90,tw_5,th_5", "|sys/saveas,o_di9zcHJpdGUuanBn",
   ["--source", "v/in.mp4", "--operations", "video/sprite:f=jpg,sw=160,sh=90,tw=5,th=5,num=25", "--target-key", "v/sprite.jpg"]],
  ["video_animation",
   { source: { key: "v/in.mp4" }, f: "gif", w: 480, inter: 500, num: 20, output: { mode: "save", target_key: "v/a.gif" } },
   "video/animation,f_gif,num_20,inter_500,w_480", "|sys/saveas,o_di9hLmdpZg",
   ["--source", "v/in.mp4", "--operations", "video/animation:f=gif,w=480,inter=500,num=20", "--target-key", "v/a.gif"]],
  ["media_concat",
   { kind: "video", source: { key: "v/a.mp4" }, inputs: [{ key: "v/b.mp4", position: "sur", ss: 0, t: 30000 }],
     f: "mp4", vcodec: "h264", acodec: "aac", output: { mode: "save", target_key: "v/ab.mp4" } },
   "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_di9iLm1wNA,ss_0,t_30000", "|sys/saveas,o_di9hYi5tcDQ",
   ["--source", "v/a.mp4", "--operations", "video/concat:f=mp4,vcodec=h264,acodec=aac/sur,o_di9iLm1wNA,ss_0,t_30000",
    "--target-key", "v/ab.mp4"]],
  ["media_info", { source: { key: "v/in.mp4" }, kind: "video" }, "video/info", null,
   ["--source", "v/in.mp4", "--operations", "video/info"]],
  ["media_info", { source: { key: "a/in.wav" }, kind: "audio" }, "audio/info", null,
   ["--source", "a/in.wav", "--operations", "audio/info"]],
  ["audio_transcode",
   { source: { key: "a/in.wav" }, f: "mp3", ab: 128000, ar: 44100, ac: 2, output: { mode: "save", target_key: "a/out.mp3" } },
   "audio/convert,f_mp3,ar_44100,ac_2,ab_128000", "|sys/saveas,o_YS9vdXQubXAz",
   ["--source", "a/in.wav", "--operations", "audio/convert:f=mp3,ab=128000,ar=44100,ac=2", "--target-key", "a/out.mp3"]],
  ["hls_playlist", { source: { key: "v/in.mp4" }, vcodec: "h264", s: "1280x720", vb: 2000000, output: { mode: "url", expires: 3600 } },
   "hls/m3u8,vcodec_h264,s_1280x720,vb_2000000", null,
   ["--source", "v/in.mp4", "--operations", "hls/m3u8:vcodec=h264,s=1280x720,vb=2000000", "--output-mode", "url", "--expires", "3600"]],
];

// Invalid requests: [tool, arguments, CLI argv, expected error id] — both paths must agree.
const REJECTIONS = [
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "resize", w: 0 }] },
   ["--source", "a.jpg", "--operations", "resize:w=0"], "invalid_argument.resize.w"],
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "resize", m: "abc", w: 5 }] },
   ["--source", "a.jpg", "--operations", "resize:w=5,m=abc"], "invalid_argument.resize.m"],
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "rotate", value: 400 }] },
   ["--source", "a.jpg", "--operations", "rotate:angle=400"], "invalid_argument.rotate.value"],
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "crop", w: 10, h: 10, g: "xx" }] },
   ["--source", "a.jpg", "--operations", "crop:w=10,h=10,g=xx"], "invalid_argument.crop.g"],
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "resize", w: 10 }], output: { mode: "download" } },
   ["--source", "a.jpg", "--operations", "resize:w=10", "--output-mode", "download"], "invalid_argument.image_process.output.path"],
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "resize", w: 10 }], output: { mode: "save" } },
   ["--source", "a.jpg", "--operations", "resize:w=10", "--output-mode", "save"], "invalid_argument.image_process.output.target_key"],
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "watermark", text: "x", rw: 5 }] },
   ["--source", "a.jpg", "--operations", "watermark:text=x,rw=5"], "invalid_argument.watermark.rw"],
  ["video_transcode", { source: { key: "v.mp4" }, f: "mp4", vcodec: "h264", vb: 5, output: { mode: "save", target_key: "o.mp4" } },
   ["--source", "v.mp4", "--operations", "video/convert:f=mp4,vcodec=h264,vb=5", "--target-key", "o.mp4"],
   "invalid_argument.video_transcode.vb"],
  ["hls_playlist", { source: { key: "v.mp4" }, s: "1280*720", output: { mode: "url" } },
   ["--source", "v.mp4", "--operations", "hls/m3u8:s=1280*720", "--output-mode", "url"], "invalid_argument.hls_playlist.s"],
  // The run's own checks, in a dry run too: a download outside the output directory, a local file
  // outside the input directories.
  ["image_process", { source: { key: "a.jpg" }, operations: [{ op: "resize", w: 10 }], output: { mode: "download", path: "../x.jpg" } },
   ["--source", "a.jpg", "--operations", "resize:w=10", "--output-mode", "download", "--output-path", "../x.jpg"],
   "invalid_argument.image_process.output.path"],
  ["image_process", { source: { uri: "/etc/hostname" }, operations: [{ op: "resize", w: 10 }], output: { mode: "save", target_key: "x.jpg" } },
   ["--uri", "/etc/hostname", "--operations", "resize:w=10", "--output-mode", "save", "--target-key", "x.jpg"],
   "invalid_argument.image_process.source.uri"],
];

const errorId = (text) => /^\[([^\]]+)\]/.exec(text ?? "")?.[1];

async function cli(argv, cwd = undefined) {
  try {
    const { stdout } = await run(BIN, ["process", ...argv, "--dry-run"], { env: { PATH: process.env.PATH }, cwd });
    return { code: 0, json: JSON.parse(stdout) };
  } catch (e) {
    return { code: e.code, json: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
  }
}

describe("product tools through the SDK client", () => {
  let client;
  const work = mkdtempSync(path.join(os.tmpdir(), "omm-tools-"));
  before(async () => {
    assertBinary();
    client = new Client({ name: "oss-media-mcp-e2e", version: "0.0.1" });
    await client.connect(new StdioClientTransport({
      command: BIN, args: ["serve", "--root", path.join(work, "media"), "--output-dir", path.join(work, "outputs")],
      stderr: "pipe", env: { PATH: process.env.PATH } }));
  });
  after(async () => {
    await client?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test("lists every DESIGN.md tool with description, schemas and annotations", async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), DESIGN_TOOLS);
    for (const t of tools) {
      assert.ok(t.description && t.description.length >= 40, `${t.name}: description`);
      assert.equal(t.inputSchema.type, "object", t.name);
      assert.equal(t.inputSchema.additionalProperties, false, t.name);
      for (const banned of ["$ref", "$schema", "$defs", "allOf", "anyOf", "oneOf", "if", "then"]) {
        assert.ok(!(banned in t.inputSchema), `${t.name}: root ${banned}`);
      }
      assert.ok(!JSON.stringify(t.inputSchema).includes('"$ref"'), `${t.name}: $ref inside`);
      assert.equal(t.outputSchema?.type, "object", `${t.name}: outputSchema`);
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]) {
        assert.equal(typeof t.annotations?.[hint], "boolean", `${t.name}: ${hint}`);
      }
    }
    const ro = Object.fromEntries(tools.map((t) => [t.name, t.annotations.readOnlyHint]));
    assert.equal(ro.image_inspect, true);
    assert.equal(ro.media_info, true);
    assert.equal(ro.image_process, false);
  });

  for (const [tool, args, operations, saveas, argv] of CASES) {
    test(`${tool} dry_run renders ${operations}`, async () => {
      const r = await client.callTool({ name: tool, arguments: { ...args, dry_run: true } });
      assert.ok(!r.isError, JSON.stringify(r.content));
      const sc = r.structuredContent;
      assert.equal(sc.success, true);
      assert.equal(sc.dry_run, true);
      assert.equal(sc.operations, operations);
      if (sc.process_string !== undefined && sc.process_string !== null) {
        assert.equal(sc.process_string, operations + (saveas ?? ""));
      }
      assert.equal(sc.saveas ?? null, saveas);
      const c = await cli(argv);
      assert.equal(c.code, 0, JSON.stringify(c));
      assert.equal(c.json.operations, sc.operations, "CLI renders the same operations");
      assert.equal(c.json.process_string, sc.process_string, "CLI renders the same process string");
      assert.equal(c.json.tool, tool);
    });
  }

  for (const [tool, args, argv, id] of REJECTIONS) {
    test(`${tool} refuses with ${id} on both paths`, async () => {
      const r = await client.callTool({ name: tool, arguments: { ...args, dry_run: true } });
      assert.equal(r.isError, true);
      assert.equal(errorId(r.content[0].text), id, r.content[0].text);
      const c = await cli(argv);
      assert.equal(c.code, 1);
      assert.equal(c.json.success, false);
      assert.equal(c.json.error_id, id, c.json.error);
    });
  }

  test("prompts are listed and rendered in Chinese by default and in English on request", async () => {
    const { prompts } = await client.listPrompts();
    const names = prompts.map((p) => p.name).sort();
    for (const n of ["add_watermark", "detect_faces", "extract_frames", "make_thumbnail", "present_result", "transcode_video"]) {
      assert.ok(names.includes(n), `prompt ${n}`);
    }
    for (const p of prompts) assert.ok(p.arguments.some((a) => a.name === "language"), `${p.name}: language`);
    const result = JSON.stringify({ success: true, backend: "local", operations: "image/resize,w_600", request_id: "local-1",
                                    mode: "save", target_key: "out/a.jpg" });
    const zh = await client.getPrompt({ name: "present_result", arguments: { result } });
    const zhText = zh.messages.map((m) => m.content.text).join("\n");
    assert.match(zhText, /处理结果如下/);
    assert.match(zhText, /image\/resize,w_600/);
    const en = await client.getPrompt({ name: "present_result", arguments: { result, language: "en" } });
    const enText = en.messages.map((m) => m.content.text).join("\n");
    assert.match(enText, /Result summary:/);
    assert.match(enText, /local-1/);
    const thumb = await client.getPrompt({ name: "make_thumbnail", arguments: { source: "in/a.jpg", width: "320", language: "en" } });
    assert.match(thumb.messages[0].content.text, /"w": 320/);
    await assert.rejects(client.getPrompt({ name: "present_result", arguments: { result, language: "fr" } }),
                         /invalid_argument\.prompt\.language/);
    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === "oss-media://docs/skill"));
    const skill = await client.readResource({ uri: "oss-media://docs/skill" });
    assert.match(skill.contents[0].text, /image_process/);
  });

  test("the CLI dry run creates nothing: no media or outputs directory where it runs", async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), "omm-cli-dry-"));
    try {
      const ok = await cli(["--source", "v.mp4", "--operations", "video/convert:f=mp4,vcodec=h264", "--target-key", "o.mp4"], cwd);
      assert.equal(ok.code, 0, JSON.stringify(ok));
      const bad = await cli(["--source", "a.jpg", "--operations", "resize:w=10", "--output-mode", "download",
                             "--output-path", "../x.jpg"], cwd);
      assert.equal(bad.json?.error_id, "invalid_argument.image_process.output.path");
      assert.deepEqual(readdirSync(cwd), []);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  test("a real call on a missing object fails with a clear, stable error", async () => {
    const r = await client.callTool({ name: "media_info", arguments: { source: { key: "v/in.mp4" }, kind: "video" } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /^\[object\.NoSuchKey\] the object v\/in\.mp4 does not exist/);
  });
});
