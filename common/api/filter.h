// A small filter language, a subset of AIP-160.
//
//   filter     := comparison { "AND" comparison }
//   comparison := FIELD op value
//   op         := "=" | "!=" | "<" | ">"
//   value      := "double-quoted string" | bare word (letters, digits, _ - . :)
//
// Only the fields a FilterSchema names may appear. Enum and bool fields take only = and !=.
// Timestamps are RFC 3339 ("2026-01-31T00:00:00Z"). OR, NOT, parentheses, functions and
// the has operator are refused with INVALID_ARGUMENT naming "filter" and the position.
#ifndef ACCORD_COMMON_API_FILTER_H_
#define ACCORD_COMMON_API_FILTER_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace accord::api {

enum class FilterOp { kEqual, kNotEqual, kLess, kGreater };

struct FilterFieldSpec {
  enum class Type { kString, kEnum, kBool, kTimestamp };
  Type type = Type::kString;
  std::set<std::string> enum_values;  // for kEnum: the allowed names
};

using FilterSchema = std::map<std::string, FilterFieldSpec, std::less<>>;

struct Comparison {
  std::string field;
  FilterOp op;
  // Canonical form: strings as given, enums by name, bools "true"/"false", timestamps as
  // OrderedTimestamp(), so that comparing canonical strings compares values.
  std::string value;
};

struct Filter {
  std::vector<Comparison> comparisons;  // all must hold; empty matches everything
};

absl::StatusOr<Filter> ParseFilter(absl::string_view text, const FilterSchema& schema);

// `value` as a double-quoted string literal of the filter language (quotes and backslashes
// escaped), ready to put after an operator: ParseFilter reads it back as `value`.
std::string QuoteFilterString(absl::string_view value);

// A timestamp as a fixed-width decimal of microseconds since 1970 (years 1970 to 2286), so
// that string order is time order. Used by filters and index keys alike.
std::string OrderedTimestamp(int64_t unix_micros);

// True when every comparison holds; `field_value` returns a field's canonical value.
bool Matches(const Filter& filter,
             const std::function<std::string(absl::string_view field)>& field_value);

}  // namespace accord::api

#endif  // ACCORD_COMMON_API_FILTER_H_
