#include "mcp/resource_registry.h"

#include <doctest/doctest.h>

using omm::mcp::ResourceRegistry;

TEST_CASE("URI template matching (level 1)") {
  auto m = ResourceRegistry::match("test://template/{id}/data", "test://template/123/data");
  REQUIRE(m);
  CHECK((*m)["id"] == "123");
  CHECK_FALSE(ResourceRegistry::match("test://template/{id}/data", "test://template//data"));
  CHECK_FALSE(ResourceRegistry::match("test://template/{id}/data", "test://template/1/2/data"));
  CHECK_FALSE(ResourceRegistry::match("test://template/{id}/data", "test://template/1/datax"));
  auto tail = ResourceRegistry::match("oss-media://result/{id}", "oss-media://result/abc");
  REQUIRE(tail);
  CHECK((*tail)["id"] == "abc");
}

TEST_CASE("read of an unknown resource is resource.not_found") {
  ResourceRegistry r;
  auto res = r.read("test://nothing");
  CHECK_FALSE(res.ok());
  CHECK(res.status().id() == "resource.not_found");
}
