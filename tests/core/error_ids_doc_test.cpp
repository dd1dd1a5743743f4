// The error ids the documents promise are the ids the code returns, and the other way round
// (docs/contracts.md "Error ids" is the complete list; SKILL.md §10 and the prompts name only
// ids that exist). The code's ids are read from its sources: the first argument of every
// Status::error — a literal, a fmt pattern ("invalid_argument.{}.region"), or a literal prefix
// ("unsupported_on_backend." + op) — plus the few built elsewhere, listed below.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef OMM_SOURCE_ROOT
#define OMM_SOURCE_ROOT "."
#endif

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Ids whose text is assembled away from a Status::error call.
const char* const kBuiltElsewhere[] = {
    "oss.*",                 // oss.<Code> of an OSS error answer (oss/service_error.cpp)
    "imm.*",                 // imm.<Code> of an IMM error answer
    "invalid_argument.*.*",  // ErrorScope: invalid_argument.<tool|op>.<field>
};

bool is_id(const std::string& s) {
  static const std::regex shape(R"(^[a-z_]+(\.[A-Za-z0-9_*-]+)*$)");
  return std::regex_match(s, shape);
}

// Every id pattern of the sources under src/ ('*' where a part is filled in at run time). The
// emulator's own answers (src/emulate) are the service's codes, not this server's ids.
std::set<std::string> code_ids() {
  static const std::regex call(R"re(Status::error\(\s*(fmt::format\(\s*)?"([^"]+)"(\s*\+)?)re");
  // An id set on its own (a job record's error_id, an engine worker's error answer).
  static const std::regex assigned(
      R"re(\b(?:error_id|id)\s*=\s*"([a-z_]+\.[A-Za-z0-9_.]+)"|error_response\(\s*\w+,\s*"([^"]+)")re");
  std::set<std::string> ids(std::begin(kBuiltElsewhere), std::end(kBuiltElsewhere));
  const fs::path src = fs::path(OMM_SOURCE_ROOT) / "src";
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".cpp" && ext != ".h")) continue;
    if (e.path().string().find("/src/emulate/") != std::string::npos) continue;
    const std::string text = read(e.path());
    for (std::sregex_iterator m(text.begin(), text.end(), call), end; m != end; ++m) {
      std::string id = std::regex_replace((*m)[2].str(), std::regex(R"(\{\})"), "*");
      if ((*m)[3].matched) id += "*";
      if (is_id(id)) ids.insert(id);
    }
    for (std::sregex_iterator m(text.begin(), text.end(), assigned), end; m != end; ++m) {
      std::string id = (*m)[1].matched ? (*m)[1].str() : (*m)[2].str();
      if (is_id(id)) ids.insert(id);
    }
  }
  return ids;
}

// The backticked ids in the table rows of one section of a markdown file ('*' for
// <placeholders>); a word without a dot only when the code has it as an id (`cancelled`).
std::set<std::string> doc_ids(const std::string& file, const std::string& heading,
                              const std::set<std::string>& code) {
  const std::string doc = read(fs::path(OMM_SOURCE_ROOT) / file);
  std::size_t start = doc.find("\n" + heading + "\n");
  REQUIRE_MESSAGE(start != std::string::npos, file << ": no heading " << heading);
  std::size_t end = doc.find("\n## ", start + 1);
  const std::string section = doc.substr(start, end == std::string::npos ? end : end - start);
  static const std::regex token("`([^`\\s]+)`");
  std::set<std::string> ids;
  std::istringstream lines(section);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| ", 0) != 0 || line.rfind("| where", 0) == 0) continue;  // table rows only
    for (std::sregex_iterator m(line.begin(), line.end(), token), e; m != e; ++m) {
      std::string id = std::regex_replace((*m)[1].str(), std::regex("<[A-Za-z_|]+>"), "*");
      if (is_id(id) && (id.find('.') != std::string::npos || code.count(id) > 0)) ids.insert(id);
    }
  }
  return ids;
}

// '*' matches any run of characters.
bool glob(const std::string& pattern, const std::string& text) {
  std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Whether two patterns name a common id (one, its '*' filled in, matches the other).
bool overlap(const std::string& a, const std::string& b) {
  auto filled = [](std::string s) {
    for (char& c : s) c = c == '*' ? 'X' : c;
    return s;
  };
  return glob(a, filled(b)) || glob(b, filled(a));
}

bool any_overlap(const std::string& id, const std::set<std::string>& ids) {
  for (const std::string& other : ids) {
    if (overlap(id, other)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("error ids: docs/contracts.md lists exactly the ids the code returns") {
  const std::set<std::string> code = code_ids();
  const std::set<std::string> doc = doc_ids("docs/contracts.md", "## Error ids", code);
  CHECK(code.size() > 60);
  CHECK(doc.size() > 30);
  for (const std::string& id : doc) {
    CAPTURE(id);
    CHECK_MESSAGE(any_overlap(id, code), "documented but never returned");
  }
  for (const std::string& id : code) {
    if (std::find(std::begin(kBuiltElsewhere), std::end(kBuiltElsewhere), id) !=
        std::end(kBuiltElsewhere)) {
      continue;
    }
    CAPTURE(id);
    CHECK_MESSAGE(any_overlap(id, doc), "returned but not in docs/contracts.md");
  }
}

TEST_CASE("error ids: SKILL.md and the prompts name only ids the code returns") {
  const std::set<std::string> code = code_ids();
  std::set<std::string> named = doc_ids("SKILL.md", "## 10. Errors", code);
  CHECK(named.count("object.NoSuchKey") == 1);
  for (const char* dir : {"prompts/en", "prompts/zh"}) {
    for (const auto& e : fs::directory_iterator(fs::path(OMM_SOURCE_ROOT) / dir)) {
      static const std::regex bracketed(R"(\[([a-z_]+(\.[A-Za-z0-9_-]+)+)\])");
      const std::string text = read(e.path());
      for (std::sregex_iterator m(text.begin(), text.end(), bracketed), end; m != end; ++m) {
        named.insert((*m)[1].str());
      }
    }
  }
  for (const std::string& id : named) {
    CAPTURE(id);
    CHECK_MESSAGE(any_overlap(id, code), "named but never returned");
  }
}
