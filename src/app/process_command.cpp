#include "app/process_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/backend_setup.h"
#include "app/command_output.h"
#include "cli/oss_config.h"
#include "cli/process_args.h"
#include "cli/usage.h"
#include "core/executor.h"
#include "core/plan_from_cli.h"
#include "local/state_dir.h"
#include "oss/redactor.h"

namespace omm::app {

int run_process(const std::vector<std::string>& args) {
  setup_logging("warn");
  char cwd[4096];
  std::string dir = ::getcwd(cwd, sizeof cwd) ? cwd : "/";
  auto parsed = omm::cli::parse_process_args(args, env_lookup, dir);
  if (!parsed.ok()) {
    std::fprintf(stderr, "oss-media-mcp process: %s\n%s", parsed.status().message().c_str(),
                 omm::cli::kProcessUsage);
    return 2;
  }
  if (parsed->help) {
    std::fputs(omm::cli::kProcessUsage, stdout);
    return 0;
  }
  for (const std::string& flag : parsed->ignored_flags) {
    spdlog::warn("{} has no effect: async operations are always waited for", flag);
  }
  auto plan = omm::core::plan_from_cli(parsed->request);
  if (!plan.ok()) return fail(plan.status());
  // A person at a shell names files relative to where they are: the working directory is an
  // input directory too, and the output directory defaults to it.
  auto local = local_options(parsed->root, parsed->output_dir.empty() ? dir : parsed->output_dir,
                             {}, parsed->watermark_key);
  local.input_dirs = {dir, local.output_dir, local.root};
  local.max_duration = std::chrono::seconds(parsed->max_duration);
  if (parsed->max_fetch_bytes > 0) local.max_fetch_bytes = parsed->max_fetch_bytes;
  local.allow_private_uri = parsed->allow_private_uri;
  local.state_dir = omm::local::state_dir_path("");
  // A dry run goes through the executor too: it answers after the real run's checks.
  local.check_only = plan->dry_run;
  omm::cli::OssFlags flags;
  flags.bucket = plan->bucket;
  flags.region = plan->region;
  flags.endpoint = plan->endpoint;
  flags.imm_project = plan->imm_project;
  omm::cli::OssConfig c = omm::cli::oss_config(flags, env_lookup);
  auto runtime = std::make_shared<OssRuntime>();
  omm::oss::install_redacting_logging(runtime->redactor);
  auto executor = make_executor(make_backend("", local, c, runtime), c, local);
  // The CLI waits for an async job (process.py routed such calls automatically).
  omm::core::Plan p = *plan;
  if (!p.wait_seconds && p.timeout_seconds) p.wait_seconds = p.timeout_seconds;
  if (p.category == omm::core::Category::kAsync && !p.wait_seconds) p.wait_seconds = 600;
  auto result = executor->run(p, omm::core::Call{});
  if (!result.ok()) {
    return fail(omm::Status::error(result.status().id(),
                                   runtime->redactor->redact(result.status().message())));
  }
  result->erase("resource_uri");  // read through a server's resources; nothing serves it here
  runtime->redactor->redact_json(*result);
  print_json(*result);
  return 0;
}

}  // namespace omm::app
