// oss-media-mcp: command line entry point. Picks the subcommand and hands it its arguments;
// the commands themselves (and the concrete implementations they pick) live in src/app.
//
//   oss-media-mcp [serve] [--transport stdio|http|sse] [--listen HOST:PORT] …
//   oss-media-mcp process | emulate | doctor …
//   oss-media-mcp --help | --version
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/process_command.h"
#include "app/serve_command.h"
#include "cli/args.h"
#include "cli/usage.h"
#include "emulate/emulate_cli.h"

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::fputs(omm::cli::kUsage, stdout);
    return 0;
  }
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    std::printf("oss-media-mcp %s\n", omm::cli::kVersion);
    return 0;
  }
  std::string command = "serve";
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    command = args[0];
    args.erase(args.begin());
  }
  if (command == "serve") {
    auto parsed = omm::cli::parse_serve_args(args);
    if (!parsed.ok()) {
      std::fprintf(stderr, "oss-media-mcp: %s\nRun 'oss-media-mcp --help' for usage.\n",
                   parsed.status().message().c_str());
      return 2;
    }
    if (parsed->help) {
      std::fputs(omm::cli::kUsage, stdout);
      return 0;
    }
    return omm::app::run_serve(*parsed);
  }
  if (command == "process") return omm::app::run_process(args);
  if (command == "doctor") {
    auto parsed = omm::cli::parse_serve_args(args);
    if (!parsed.ok()) {
      std::fprintf(stderr, "oss-media-mcp doctor: %s\n", parsed.status().message().c_str());
      return 2;
    }
    return omm::app::run_doctor(*parsed);
  }
  if (command == "emulate") return omm::emulate::run_emulate(args);
  std::fprintf(stderr,
               "oss-media-mcp: unknown command '%s'\nRun 'oss-media-mcp --help' for usage.\n",
               command.c_str());
  return 2;
}
