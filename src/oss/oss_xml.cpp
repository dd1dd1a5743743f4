#include "oss/oss_xml.h"

#include <cstdlib>

namespace omm::oss {
namespace {

// The position just after the opening tag `<name>` or `<name …>` at or after `from`, and where
// that tag starts; npos when absent. `self_closed` tells <name/>.
size_t find_open(std::string_view xml, std::string_view name, size_t from, size_t& tag_start,
                 bool& self_closed) {
  const std::string open = "<" + std::string(name);
  for (size_t at = xml.find(open, from); at != std::string_view::npos;
       at = xml.find(open, at + 1)) {
    const size_t after = at + open.size();
    if (after >= xml.size()) return std::string_view::npos;
    const char c = xml[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\n' && c != '\r') continue;
    const size_t close = xml.find('>', after);
    if (close == std::string_view::npos) return std::string_view::npos;
    tag_start = at;
    self_closed = xml[close - 1] == '/';
    return close + 1;
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::vector<std::string_view> xml_blocks(std::string_view xml, std::string_view name) {
  std::vector<std::string_view> out;
  const std::string close = "</" + std::string(name) + ">";
  size_t from = 0;
  for (;;) {
    size_t tag_start = 0;
    bool self_closed = false;
    const size_t inner = find_open(xml, name, from, tag_start, self_closed);
    if (inner == std::string_view::npos) break;
    if (self_closed) {
      out.push_back(std::string_view());
      from = inner;
      continue;
    }
    const size_t end = xml.find(close, inner);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(inner, end - inner));
    from = end + close.size();
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view name) {
  size_t tag_start = 0;
  bool self_closed = false;
  const size_t inner = find_open(xml, name, 0, tag_start, self_closed);
  if (inner == std::string_view::npos) return std::nullopt;
  if (self_closed) return std::string();
  const size_t end = xml.find("</" + std::string(name) + ">", inner);
  if (end == std::string_view::npos) return std::nullopt;
  return xml_unescape(xml.substr(inner, end - inner));
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += text[i];
      continue;
    }
    const std::string_view ent = text.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      const std::string digits(ent.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || cp > 0x10FFFF) {
        out += text[i];
        continue;
      }
      append_utf8(out, cp);
    } else {
      out += text[i];
      continue;
    }
    i = semi;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace omm::oss
