// The register as a council spreadsheet keeps it: CSV with a header row (docs/csv.md).
// Pure functions: parsing, row validation and formatting, no gRPC, no RocksDB.
#ifndef ACCORD_SERVICES_REGISTRY_DOMAIN_REGISTER_CSV_H_
#define ACCORD_SERVICES_REGISTRY_DOMAIN_REGISTER_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "accord/registry/v1/partnership.pb.h"

namespace accord::registry {

// RFC 4180 records: fields separated by commas, optionally double-quoted (a quote inside is
// doubled), records ended by LF or CRLF; quoted fields may hold commas and newlines. Blank
// lines are skipped. INVALID_ARGUMENT naming "csv" and the line for an unterminated quote or
// text after a closing quote.
absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(absl::string_view text);

// One field as CSV: quoted when it holds a comma, quote, CR or LF.
std::string CsvField(absl::string_view value);

// A bad field of one row. `row` counts the header as row 1.
struct RowProblem {
  int row = 0;
  std::string column;  // empty when the problem is the whole row
  std::string description;
};

struct ImportRow {
  int row = 0;
  std::string id;  // the partnership id; never empty (generated ids are not offered)
  v1::Partnership partnership;  // name, state and tier set; create/update times not
};

struct RegisterImport {
  std::vector<ImportRow> rows;
  std::vector<RowProblem> problems;  // every problem, in row then column order
};

// Reads a register from CSV: the header names columns (any order, case and spaces
// ignored), each later record one partnership, checked with the register's rules. Every
// bad row and field is reported; duplicate ids within the file are too. Ids already in the
// register are not checked here.
RegisterImport ReadRegisterCsv(absl::string_view text);

// The export: a header row and one row per partnership, in the import format, so an
// export imports again unchanged.
std::string RegisterCsvHeader();
std::string RegisterCsvRow(const v1::Partnership& partnership);

// The public register: the same columns less the confidential flags and monitoring
// requirement; withheld field groups are blank.
std::string PublicRegisterCsvHeader();
std::string PublicRegisterCsvRow(const v1::PublicPartnership& partnership);

}  // namespace accord::registry

#endif  // ACCORD_SERVICES_REGISTRY_DOMAIN_REGISTER_CSV_H_
