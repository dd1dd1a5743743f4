// docs/operations.md lists every operation of the catalog with every parameter, so the page
// cannot drift from the code.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/op_catalog.h"

#ifndef OMM_SOURCE_ROOT
#define OMM_SOURCE_ROOT "."
#endif

TEST_CASE("docs/operations.md: every operation and parameter of the catalog") {
  std::ifstream in(std::string(OMM_SOURCE_ROOT) + "/docs/operations.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  for (const omm::core::OpSpec& op : omm::core::all_ops()) {
    CAPTURE(op.name);
    std::size_t start = doc.find("\n### " + std::string(op.name) + "\n");
    REQUIRE(start != std::string::npos);
    std::size_t end = doc.find("\n### ", start + 1);
    std::string section =
        doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    CHECK(section.find("tool `" + std::string(op.tool) + "`") != std::string::npos);
    for (const omm::core::ParamSpec& p : op.params) {
      CAPTURE(p.name);
      CHECK(section.find("| `" + std::string(p.name) + "` |") != std::string::npos);
    }
  }
  CHECK(doc.find("**Unverified against the service:** the blind watermark embed syntax") !=
        std::string::npos);
}
