// The server's own state directory: records that no client can reach through a tool (the local
// backend's job journal, the oss backend's cleanup journal).
//
// It is `--state-dir`, else $XDG_STATE_HOME/oss-media-mcp, else ~/.local/state/oss-media-mcp
// (the home directory from $HOME, else the password database — never /tmp). It is created
// 0700 and used only when it belongs to this user and no one else can write to it, so another
// local account cannot plant records in it.
//
// Thread-safe (the filesystem is the only state).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace omm::local {

// The state directory for `flag` (empty: the default above), not yet created.
std::string state_dir_path(const std::string& flag);

// Creates `dir` (and its parents) and checks that it is private to this user: a directory, owned
// by the effective user, not writable by group or others. Ids: local.state.
Status ensure_private_dir(const std::string& dir);

// The job journal directory of the local root `canonical_root`: <state>/jobs/<root tag>/,
// created private, holding a `root` file that names the root (a tag clash is refused). Journals
// of roots that no longer exist are removed on the way. Ids: local.state.
Result<std::string> job_journal_dir(const std::string& state_dir,
                                    const std::string& canonical_root);

// A stable short name for a local root ("<16 hex digits>", FNV-1a 64 of its canonical path),
// naming its subdirectory under the state directory.
std::string root_tag(std::string_view canonical_root);

}  // namespace omm::local
