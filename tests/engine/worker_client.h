// A test's client of one engine worker process over its JSON-line protocol
// (docs/local-backend.md): requests on the worker's stdin, one response line each from its
// stdout. Shared by the image and vision engine tests.
#pragma once

#include <doctest/doctest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

extern char** environ;

namespace omm::test {

class WorkerClient {
 public:
  WorkerClient(const std::string& executable, std::vector<std::string> flags) {
    int in[2], out[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&fa, fd);
    std::vector<std::string> args = {executable};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, executable.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
    REQUIRE_MESSAGE(rc == 0, "cannot start " << executable);
  }
  WorkerClient(const WorkerClient&) = delete;
  WorkerClient& operator=(const WorkerClient&) = delete;
  ~WorkerClient() {
    ::close(to_);
    ::close(from_);
    int status = 0;
    if (pid_ > 0) ::waitpid(pid_, &status, 0);
  }

  pid_t pid() const { return pid_; }

  // Sends `request` with the next id and returns the worker's answer to it.
  nlohmann::json call(nlohmann::json request) {
    request["id"] = ++id_;
    std::string line = request.dump() + "\n";
    REQUIRE(::write(to_, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    std::string reply;
    char c;
    while (::read(from_, &c, 1) == 1 && c != '\n') reply.push_back(c);
    nlohmann::json r = nlohmann::json::parse(reply, nullptr, false);
    REQUIRE_MESSAGE(r.is_object(), "worker answered: " << reply);
    CHECK(r["id"] == id_);
    return r;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  int id_ = 0;
};

}  // namespace omm::test
