// Collects every field violation of one request or document, so that a caller sees all of
// its mistakes at once rather than one per attempt. Internal to the assessment domain.
#ifndef ACCORD_SERVICES_ASSESSMENT_DOMAIN_VIOLATIONS_H_
#define ACCORD_SERVICES_ASSESSMENT_DOMAIN_VIOLATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/errors.h"

namespace accord::assessment {

class Violations {
 public:
  explicit Violations(absl::string_view prefix = "") : prefix_(prefix) {}

  void Add(absl::string_view field, absl::string_view rule) {
    list_.push_back({absl::StrCat(prefix_, field), std::string(rule)});
  }

  bool empty() const { return list_.empty(); }

  // OK when nothing was added; INVALID_ARGUMENT listing every violation otherwise.
  absl::Status Done() const { return list_.empty() ? absl::OkStatus() : api::InvalidFields(list_); }

 private:
  std::string prefix_;
  std::vector<api::FieldViolation> list_;
};

}  // namespace accord::assessment

#endif  // ACCORD_SERVICES_ASSESSMENT_DOMAIN_VIOLATIONS_H_
