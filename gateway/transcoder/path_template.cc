#include "gateway/transcoder/path_template.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace accord::gateway {
namespace {

absl::Status BadTemplate(absl::string_view text, absl::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("path template \"", text, "\": ", rule));
}

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || !(absl::ascii_isalpha(s[0]) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(absl::ascii_isalnum(c) || c == '_')) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `raw`. Malformed escapes are kept as they are: rejecting them would
// turn a harmless typo into an opaque 404. With keep_slash, "%2F" stays encoded so that a
// multi-segment variable keeps its segment boundaries (http.proto's rule).
std::string PercentDecode(absl::string_view raw, bool keep_slash) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      int hi = HexValue(raw[i + 1]);
      int lo = HexValue(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        char decoded = static_cast<char>(hi * 16 + lo);
        if (!(keep_slash && decoded == '/')) {
          out.push_back(decoded);
          i += 2;
          continue;
        }
      }
    }
    out.push_back(raw[i]);
  }
  return out;
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate result;
  result.text_ = std::string(text);
  if (text.empty() || text[0] != '/') return BadTemplate(text, "must start with '/'");

  // The verb follows the last colon outside braces.
  absl::string_view body = text;
  int depth = 0;
  size_t verb_colon = absl::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}') --depth;
    if (text[i] == ':' && depth == 0) verb_colon = i;
  }
  if (depth != 0) return BadTemplate(text, "unbalanced '{' and '}'");
  if (verb_colon != absl::string_view::npos) {
    result.verb_ = std::string(text.substr(verb_colon + 1));
    body = text.substr(0, verb_colon);
    if (result.verb_.empty() || result.verb_.find('/') != std::string::npos) {
      return BadTemplate(text, "the verb after ':' must be one non-empty literal");
    }
  }

  auto add_segment = [&](absl::string_view token) -> absl::Status {
    if (token.empty()) return BadTemplate(text, "empty path segment");
    if (token.find_first_of("{}=") != absl::string_view::npos) {
      return BadTemplate(text, absl::StrCat("unexpected character in segment '", token, "'"));
    }
    if (token == "*") {
      result.segments_.push_back({SegmentKind::kSingleWildcard, ""});
    } else if (token == "**") {
      result.segments_.push_back({SegmentKind::kMultiWildcard, ""});
    } else {
      result.segments_.push_back({SegmentKind::kLiteral, std::string(token)});
    }
    return absl::OkStatus();
  };

  size_t pos = 1;
  while (true) {
    if (pos < body.size() && body[pos] == '{') {
      size_t close = body.find('}', pos);
      absl::string_view inside = body.substr(pos + 1, close - pos - 1);
      if (inside.find('{') != absl::string_view::npos) {
        return BadTemplate(text, "variables cannot nest");
      }
      size_t eq = inside.find('=');
      absl::string_view field_path = inside.substr(0, eq);
      for (absl::string_view part : absl::StrSplit(field_path, '.')) {
        if (!IsIdentifier(part)) {
          return BadTemplate(text, absl::StrCat("'", field_path, "' is not a field path"));
        }
      }
      Variable variable{std::string(field_path), result.segments_.size(), 0};
      if (eq == absl::string_view::npos) {
        result.segments_.push_back({SegmentKind::kSingleWildcard, ""});
      } else {
        for (absl::string_view token : absl::StrSplit(inside.substr(eq + 1), '/')) {
          if (absl::Status s = add_segment(token); !s.ok()) return s;
        }
      }
      variable.end = result.segments_.size();
      result.variables_.push_back(std::move(variable));
      pos = close + 1;
    } else {
      size_t slash = body.find('/', pos);
      size_t end = slash == absl::string_view::npos ? body.size() : slash;
      if (absl::Status s = add_segment(body.substr(pos, end - pos)); !s.ok()) return s;
      pos = end;
    }
    if (pos >= body.size()) break;
    if (body[pos] != '/') return BadTemplate(text, "a variable must end a segment");
    ++pos;
  }

  int multi = 0;
  for (const Segment& segment : result.segments_) {
    if (segment.kind == SegmentKind::kMultiWildcard) ++multi;
  }
  if (multi > 1) return BadTemplate(text, "'**' may appear at most once");
  return result;
}

std::optional<std::vector<VariableBinding>> PathTemplate::Match(absl::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  path.remove_prefix(1);
  if (!verb_.empty()) {
    size_t colon = path.rfind(':');
    if (colon == absl::string_view::npos || path.find('/', colon) != absl::string_view::npos ||
        path.substr(colon + 1) != verb_) {
      return std::nullopt;
    }
    path = path.substr(0, colon);
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');

  // With a '**', it takes whatever the other segments leave over (possibly nothing).
  const size_t fixed = segments_.size() -
                       (std::find_if(segments_.begin(), segments_.end(), [](const Segment& s) {
                          return s.kind == SegmentKind::kMultiWildcard;
                        }) != segments_.end());
  const bool has_multi = fixed != segments_.size();
  if (has_multi ? parts.size() < fixed : parts.size() != fixed) return std::nullopt;

  // starts[i] is the index in `parts` where template segment i begins.
  std::vector<size_t> starts(segments_.size() + 1);
  size_t j = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    starts[i] = j;
    const Segment& segment = segments_[i];
    switch (segment.kind) {
      case SegmentKind::kLiteral:
        if (parts[j] != segment.literal) return std::nullopt;
        ++j;
        break;
      case SegmentKind::kSingleWildcard:
        if (parts[j].empty()) return std::nullopt;
        ++j;
        break;
      case SegmentKind::kMultiWildcard:
        j += parts.size() - fixed;
        break;
    }
  }
  starts[segments_.size()] = j;

  std::vector<VariableBinding> bindings;
  for (const Variable& variable : variables_) {
    size_t first = starts[variable.begin];
    size_t last = starts[variable.end];
    std::vector<absl::string_view> covered(parts.begin() + first, parts.begin() + last);
    bool single = variable.end - variable.begin == 1 &&
                  segments_[variable.begin].kind != SegmentKind::kMultiWildcard;
    bindings.push_back(
        {variable.field_path, PercentDecode(absl::StrJoin(covered, "/"), !single)});
  }
  return bindings;
}

std::vector<std::string> PathTemplate::VariableFieldPaths() const {
  std::vector<std::string> out;
  for (const Variable& variable : variables_) out.push_back(variable.field_path);
  return out;
}

}  // namespace accord::gateway
