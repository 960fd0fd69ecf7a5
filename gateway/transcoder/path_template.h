// google.api.http path templates (see google/api/http.proto):
//
//   Template = "/" Segments [ Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   FieldPath = IDENT { "." IDENT } ;
//   Verb     = ":" LITERAL ;
//
// A PathTemplate is immutable after Parse and safe to share between threads.
#ifndef ACCORD_GATEWAY_TRANSCODER_PATH_TEMPLATE_H_
#define ACCORD_GATEWAY_TRANSCODER_PATH_TEMPLATE_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace accord::gateway {

// One path variable bound by a match: `field_path` such as "partnership.name", and its
// percent-decoded value such as "partnerships/leisure-trust".
struct VariableBinding {
  std::string field_path;
  std::string value;

  bool operator==(const VariableBinding&) const = default;
};

class PathTemplate {
 public:
  // INVALID_ARGUMENT naming the template and the rule when `text` breaks the grammar.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // The variables bound when `path` (no query string) matches, or nullopt. A template
  // with a verb matches only paths ending in ":<verb>"; one without a verb treats a colon
  // as an ordinary character.
  std::optional<std::vector<VariableBinding>> Match(absl::string_view path) const;

  const std::string& text() const { return text_; }
  const std::string& verb() const { return verb_; }
  // Field paths of the variables, in template order.
  std::vector<std::string> VariableFieldPaths() const;

 private:
  enum class SegmentKind { kLiteral, kSingleWildcard, kMultiWildcard };
  struct Segment {
    SegmentKind kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    size_t begin;  // first segment index covered
    size_t end;    // one past the last segment index covered
  };

  PathTemplate() = default;

  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_TRANSCODER_PATH_TEMPLATE_H_
