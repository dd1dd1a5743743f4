#include "cli/usage.h"

namespace omm::cli {

const char* const kUsage =
    R"(oss-media-mcp — process images, video and audio in Alibaba Cloud OSS or on this machine,
as a Model Context Protocol server.

Usage:
  oss-media-mcp [serve] [options]      run the MCP server (default: stdio)
  oss-media-mcp doctor [options]       check the backend the serve options select: directories,
                                       FFmpeg and engines (local); credential source, endpoints,
                                       reachability and permissions (oss); exit 1 on a failed check
  oss-media-mcp process [options]      run one request from the command line (the skill's
                                       process.py flags; see 'oss-media-mcp process --help')
  oss-media-mcp emulate --root DIR     a local OSS + IMM endpoint run by the local engines
                                       (see 'oss-media-mcp emulate --help')
  oss-media-mcp --help | --version

Serve options:
  --transport stdio|http|sse   stdio (default); http = Streamable HTTP at /mcp plus legacy
                               /sse + /messages; sse = the same listener (legacy clients)
  --listen HOST:PORT           HTTP address (default 127.0.0.1:8765; port 0 picks a free port)
  --allowed-hosts A,B          extra Host header values accepted (default: localhost only)
  --allowed-origins A,B        extra Origin values accepted (default: localhost only)
  --auth-token TOKEN           require "Authorization: Bearer TOKEN" on HTTP requests
                               (or set OSS_MEDIA_MCP_AUTH_TOKEN)
  --log-level LEVEL            stderr log level: debug|info|warn|error (default info)
  --workers N                  concurrent tool calls (default 16)
  --queue N                    waiting tool calls before "busy" (default 64)
  --max-jobs N                 async jobs (transcodes, frames, …) running at once
                               (default: the number of cores)
  --job-queue N                async jobs waiting for a slot before "busy" (default 16)
  --max-sessions N             HTTP sessions at once (default 1000; sessions that never
                               send a second message expire after 30 s)
  --max-streams N              open SSE streams (GET /mcp, GET /sse) at once (default 64; half
                               of them per client address); the excess is refused with 429/503
  --sse-keepalive SECONDS      ':' comment interval on idle SSE streams (default 15); a client
                               that went away is noticed (its stream freed) within two of them
  --state-dir DIR              the server's own records (job journal, oss cleanup journal),
                               never inside the bucket (default $XDG_STATE_HOME/oss-media-mcp,
                               else ~/.local/state/oss-media-mcp)
  --backend local|oss          default: oss when a bucket is configured, else local
  --root DIR                   local backend: the directory acting as the bucket
                               (default ./media, or $XDG_DATA_HOME/oss-media-mcp/media)
  --output-dir DIR             where downloads are written (default ./outputs, likewise)
  --input-dir DIR              directories local `uri` sources may come from (repeatable;
                               default: the output directory and the root), plus a client's
                               declared file:// roots over stdio or a loopback HTTP listener
  --no-client-roots            ignore clients' MCP roots (only --input-dir and the defaults)
  --watermark-key KEY          key of the local blind watermark
  --max-duration SECONDS       local backend: the longest span of media one video/audio job
                               may read (ss/t, num x inter and concat pieces count); longer
                               jobs fail at once with [engine.limit.duration] (default 14400
                               = 4 h; 0: no limit)
  --max-fetch-bytes N          local backend: largest http(s) `uri` source fetched
                               (default 268435456 = 256 MiB)
  --allow-private-uri          local backend: also fetch http(s) sources from loopback,
                               private, link-local and other non-public addresses
  --bucket NAME                oss backend: the bucket (or ALIBABA_CLOUD_OSS_BUCKET); setting
                               one selects the oss backend
  --region REGION              oss backend: e.g. cn-hangzhou (or ALIBABA_CLOUD_OSS_REGION;
                               default cn-hangzhou)
  --endpoint URL               OSS endpoint (or ALIBABA_CLOUD_OSS_ENDPOINT; default from region)
  --imm-endpoint URL           IMM endpoint (or ALIBABA_CLOUD_IMM_ENDPOINT)
  --imm-project NAME           IMM project of async jobs and extraction (or
                               ALIBABA_CLOUD_IMM_PROJECT; default: the bucket's attachment)
  --oss-signature v4|v1        request signing (default v4)
  --reveal-signed-urls         url mode: return the full signed URL in `url` (otherwise only
                               `url_redacted`, without its signature and credential)
  --multipart-threshold BYTES  oss backend: uploads larger than this go multipart, in parts of
                               at most this size (default 67108864 = 64 MiB, parts of 8 MiB;
                               at least 102400)
                               Credentials: the official default chain (environment,
                               OIDC/RRSA, ~/.aliyun/config.json, ini file, ECS metadata),
                               resolved at the first oss call; never from tool arguments.
  --conformance-fixtures       register the MCP conformance suite's fixtures (testing only)

Logs go to stderr; in stdio mode stdout carries protocol messages only.
)";

const char* const kProcessUsage = R"(Usage:
  oss-media-mcp process (--source KEY | --uri PATH_OR_URL) --operations OP [OP ...]
                        [--output-mode url|download|save] [--output-path PATH] [--target-key KEY]
                        [--bucket B] [--region R] [--endpoint URL] [--expires SECONDS]
                        [--imm-project NAME] [--timeout-seconds N] [--no-download] [--dry-run]
                        [--root DIR] [--output-dir DIR] [--watermark-key KEY]
                        [--max-duration SECONDS]
                        [--max-fetch-bytes N] [--allow-private-uri]

Operations use the skill's string syntax, e.g. "resize:w=600" "watermark:text=© 2026,g=se"
"format:webp", "video/convert:f=mp4,vcodec=h264", "upload", "download".
Prints the same JSON result as the MCP tools; exits 1 on failure, 2 on bad flags.
)";

}  // namespace omm::cli
