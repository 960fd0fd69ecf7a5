// Fuzzes the AIP-160 filter parser (common/api/filter.h) with the register's schema.
// Input: the filter text. Properties: a parsed filter names only schema fields with values
// of their type; printing it back (quoted) parses to the same comparisons; a record holding
// exactly the compared values matches an all-equality filter.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "accord/registry/v1/partnership.pb.h"
#include "common/api/filter.h"
#include "services/registry/domain/partnership_rules.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using accord::api::FilterFieldSpec;
using accord::api::FilterOp;
using accord::api::FilterSchema;

// The register's list schema, as ListPartnerships uses it.
const FilterSchema& Schema() { return accord::registry::PartnershipFilterSchema(); }

const char* OpText(FilterOp op) {
  switch (op) {
    case FilterOp::kEqual: return "=";
    case FilterOp::kNotEqual: return "!=";
    case FilterOp::kLess: return "<";
    case FilterOp::kGreater: return ">";
  }
  return "?";
}


}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto filter = accord::api::ParseFilter(text, Schema());
  if (!filter.ok()) {
    FUZZ_CHECK(filter.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }

  std::string printed;
  std::map<std::string, std::string> record;
  bool all_equal_distinct = true;
  for (const auto& c : filter->comparisons) {
    auto spec = Schema().find(c.field);
    FUZZ_CHECK(spec != Schema().end());
    switch (spec->second.type) {
      case FilterFieldSpec::Type::kEnum:
        FUZZ_CHECK(spec->second.enum_values.count(c.value) == 1);
        FUZZ_CHECK(c.op == FilterOp::kEqual || c.op == FilterOp::kNotEqual);
        break;
      case FilterFieldSpec::Type::kBool:
        FUZZ_CHECK(c.value == "true" || c.value == "false");
        FUZZ_CHECK(c.op == FilterOp::kEqual || c.op == FilterOp::kNotEqual);
        break;
      case FilterFieldSpec::Type::kTimestamp:
        // OrderedTimestamp: fixed width, so that string order is time order.
        FUZZ_CHECK(c.value.size() == 20);
        for (char d : c.value) FUZZ_CHECK(d >= '0' && d <= '9');
        break;
      case FilterFieldSpec::Type::kString:
        break;
    }
    if (spec->second.type != FilterFieldSpec::Type::kTimestamp) {
      if (!printed.empty()) printed += " AND ";
      absl::StrAppend(&printed, c.field, " ", OpText(c.op), " ",
                      accord::api::QuoteFilterString(c.value));
    }
    if (c.op != FilterOp::kEqual || !record.emplace(c.field, c.value).second) {
      all_equal_distinct = false;
    }
  }

  // Printing back what was understood and parsing it again gives the same comparisons.
  auto again = accord::api::ParseFilter(printed, Schema());
  FUZZ_CHECK(again.ok());
  size_t j = 0;
  for (const auto& c : filter->comparisons) {
    if (Schema().at(c.field).type == FilterFieldSpec::Type::kTimestamp) continue;
    FUZZ_CHECK(j < again->comparisons.size());
    FUZZ_CHECK(again->comparisons[j].field == c.field);
    FUZZ_CHECK(again->comparisons[j].op == c.op);
    FUZZ_CHECK(again->comparisons[j].value == c.value);
    ++j;
  }
  FUZZ_CHECK(j == again->comparisons.size());

  auto value_of = [&record](absl::string_view field) {
    auto it = record.find(std::string(field));
    return it == record.end() ? std::string() : it->second;
  };
  bool matched = accord::api::Matches(*filter, value_of);
  if (all_equal_distinct) FUZZ_CHECK(matched);
  return 0;
}
