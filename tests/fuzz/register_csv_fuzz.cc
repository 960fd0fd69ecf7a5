// Fuzzes the register's CSV importer (services/registry/domain/register_csv.h).
// Input: a CSV file as a council would upload it.
// Properties:
//  - ParseCsv refuses only with INVALID_ARGUMENT; records it returns, written back with
//    CsvField, parse to the same records;
//  - ReadRegisterCsv reports problems with a row number and a description; every row it
//    accepts has a valid id, unique in the file;
//  - "an export imports again unchanged": the accepted rows exported with
//    RegisterCsvHeader/RegisterCsvRow import again with no problems and equal partnerships;
//  - the public export of each row formats without failing.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/registry/domain/partnership_rules.h"
#include "services/registry/domain/register_csv.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using accord::registry::CsvField;

std::string WriteCsv(const std::vector<std::vector<std::string>>& records) {
  std::string out;
  for (const auto& record : records) {
    if (record.size() == 1 && record[0].empty()) {
      out += "\"\"\r\n";  // one empty field: written bare it would be a blank line
      continue;
    }
    for (size_t i = 0; i < record.size(); ++i) {
      if (i > 0) out += ",";
      out += CsvField(record[i]);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);

  auto records = accord::registry::ParseCsv(text);
  if (!records.ok()) {
    FUZZ_CHECK(records.status().code() == absl::StatusCode::kInvalidArgument);
  } else {
    auto again = accord::registry::ParseCsv(WriteCsv(*records));
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == *records);
  }

  accord::registry::RegisterImport import = accord::registry::ReadRegisterCsv(text);
  for (const auto& problem : import.problems) {
    FUZZ_CHECK(problem.row >= 0);
    FUZZ_CHECK(!problem.description.empty());
  }
  std::set<std::string> ids;
  std::string exported = accord::registry::RegisterCsvHeader();
  for (const auto& row : import.rows) {
    FUZZ_CHECK(row.row >= 2);
    FUZZ_CHECK(accord::registry::ValidateId(row.id, "partnership_id").ok());
    FUZZ_CHECK(ids.insert(row.id).second);
    FUZZ_CHECK(row.partnership.name() == absl::StrCat(accord::registry::kCollection, row.id));
    exported += accord::registry::RegisterCsvRow(row.partnership);
    (void)accord::registry::PublicRegisterCsvRow(
        accord::registry::PublicView(row.partnership));
  }
  if (import.rows.empty()) return 0;

  accord::registry::RegisterImport reimport = accord::registry::ReadRegisterCsv(exported);
  if (!reimport.problems.empty()) {
    for (const auto& p : reimport.problems) {
      std::fprintf(stderr, "re-import row %d column '%s': %s\n", p.row, p.column.c_str(),
                   p.description.c_str());
    }
  }
  FUZZ_CHECK(reimport.problems.empty());
  FUZZ_CHECK(reimport.rows.size() == import.rows.size());
  for (size_t i = 0; i < import.rows.size(); ++i) {
    FUZZ_CHECK(reimport.rows[i].id == import.rows[i].id);
    FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(reimport.rows[i].partnership,
                                                                  import.rows[i].partnership));
  }
  return 0;
}
