#include "oss/oss_xml.h"

#include <doctest/doctest.h>

using namespace omm::oss;

TEST_CASE("oss xml: elements by name, repeated blocks, entities") {
  const std::string xml =
      "<?xml version=\"1.0\"?><ListBucketResult><Name>b</Name><Empty/>"
      "<Contents><Key>a&amp;b</Key><Size>1</Size></Contents>"
      "<Contents><Key>&#34;q&#x22; &lt;&gt; &apos;&#20013;</Key><Size>2</Size></Contents>"
      "<KeyCount>2</KeyCount></ListBucketResult>";
  CHECK(xml_text(xml, "Name") == "b");
  CHECK(xml_text(xml, "Empty") == "");
  CHECK_FALSE(xml_text(xml, "Missing").has_value());
  CHECK(xml_text(xml, "Key") == "a&b");     // the first one
  CHECK(xml_text(xml, "KeyCount") == "2");  // <Key> does not match <KeyCount>
  auto blocks = xml_blocks(xml, "Contents");
  REQUIRE(blocks.size() == 2);
  CHECK(xml_text(blocks[1], "Key") == "\"q\" <> '\xe4\xb8\xad");
  CHECK(xml_text(blocks[1], "Size") == "2");
  CHECK(xml_text("<Error a=\"1\"><Code>X</Code></Error>", "Error") == "<Code>X</Code>");
  CHECK(xml_unescape("&bogus; & &#xZZ;") == "&bogus; & &#xZZ;");
  CHECK(xml_escape("\"a\"<&>'") == "&quot;a&quot;&lt;&amp;&gt;&apos;");
  CHECK(xml_unescape(xml_escape("\"etag\" & <x>")) == "\"etag\" & <x>");
}
