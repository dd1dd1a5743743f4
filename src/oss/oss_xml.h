// Just enough XML for the OSS REST answers (oss_protocol.md §3.6, §4): the documents are flat,
// machine-written and small, so elements are found by name without a full parser. Also the
// escaping the CompleteMultipartUpload body needs. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omm::oss {

// The unescaped text of the first <name>…</name> in `xml` (also matches <name attr="…">);
// nullopt when absent. <name/> gives "".
std::optional<std::string> xml_text(std::string_view xml, std::string_view name);
// The raw inner XML of every <name>…</name>, in document order (for repeated blocks such as
// <Contents>, <Upload>, <CommonPrefixes>).
std::vector<std::string_view> xml_blocks(std::string_view xml, std::string_view name);

// &amp; &lt; &gt; &quot; &apos; and numeric references (&#34; &#x22;) decoded.
std::string xml_unescape(std::string_view text);
// & < > " ' escaped.
std::string xml_escape(std::string_view text);

}  // namespace omm::oss
