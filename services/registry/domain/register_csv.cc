#include "services/registry/domain/register_csv.h"

#include <functional>
#include <limits>
#include <map>
#include <set>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api/errors.h"
#include "google/rpc/error_details.pb.h"
#include "services/registry/domain/partnership_rules.h"

namespace accord::registry {
namespace {

// Every column the importer knows, in export order. Money columns also come in pence.
constexpr absl::string_view kColumns[] = {
    "partnership_id", "display_name", "remit", "lead_service", "lead_officer",
    "key_partnership", "council_contribution_pounds", "in_kind_pounds", "in_kind_description",
    "partners", "corporate_aims", "monitoring_arrangements", "additional_monitoring_required",
    "state", "tier", "confidential"};
constexpr absl::string_view kPenceColumns[] = {"council_contribution_pence", "in_kind_pence"};
constexpr absl::string_view kPublicWithheld[] = {"additional_monitoring_required",
                                                 "confidential"};

std::string NormaliseHeader(absl::string_view name) {
  std::string out = absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  if (absl::StartsWith(out, "\xEF\xBB\xBF")) out.erase(0, 3);  // a spreadsheet's BOM
  absl::StrReplaceAll({{" ", "_"}, {"-", "_"}}, &out);
  return out;
}

absl::StatusOr<bool> ParseBool(absl::string_view text) {
  std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (v.empty() || v == "no" || v == "n" || v == "false" || v == "0") return false;
  if (v == "yes" || v == "y" || v == "true" || v == "1") return true;
  return absl::InvalidArgumentError(absl::StrCat("must be yes or no; got '", text, "'"));
}

// "£1,234.50", "1234.5", "1234" → pence. Refuses negatives and more than two decimals.
// Any amount whose pence fit in an int64 is taken, as the pence columns take it, so that
// every export (Pounds) imports again.
absl::StatusOr<int64_t> ParsePounds(absl::string_view text) {
  constexpr int64_t kMaxPence = std::numeric_limits<int64_t>::max();
  std::string v(absl::StripAsciiWhitespace(text));
  if (v.empty()) return 0;
  if (absl::StartsWith(v, "-")) {
    return absl::InvalidArgumentError(absl::StrCat("must be zero or more; got ", v));
  }
  std::string digits = absl::StrReplaceAll(v, {{"\xC2\xA3", ""}, {",", ""}});
  std::vector<std::string> parts = absl::StrSplit(digits, '.');
  int64_t pounds = 0;
  int64_t pence = 0;
  bool good = parts.size() <= 2 && !parts[0].empty() && absl::SimpleAtoi(parts[0], &pounds) &&
              pounds >= 0 && pounds <= kMaxPence / 100;
  if (good && parts.size() == 2) {
    good = !parts[1].empty() && parts[1].size() <= 2 && absl::SimpleAtoi(parts[1], &pence) &&
           absl::c_all_of(parts[1], absl::ascii_isdigit);
    if (parts[1].size() == 1) pence *= 10;
  }
  if (!good || !absl::c_all_of(parts[0], absl::ascii_isdigit) ||
      pence > kMaxPence - pounds * 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be an amount in pounds such as 1234.50; got '", text, "'"));
  }
  return pounds * 100 + pence;
}

absl::StatusOr<int64_t> ParsePence(absl::string_view text) {
  std::string v(absl::StripAsciiWhitespace(text));
  if (v.empty()) return 0;
  int64_t pence = 0;
  if (!absl::SimpleAtoi(v, &pence)) {
    return absl::InvalidArgumentError(absl::StrCat("must be a whole number of pence; got '",
                                                   text, "'"));
  }
  if (pence < 0) return absl::InvalidArgumentError(absl::StrCat("must be zero or more; got ", v));
  return pence;
}

std::string Pounds(int64_t pence) {
  return absl::StrCat(pence / 100, ".", pence % 100 < 10 ? "0" : "", pence % 100);
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// "Derbyshire County Council [PUBLIC]" → organisation and sector.
absl::StatusOr<v1::Partner> ParsePartner(absl::string_view text) {
  v1::Partner partner;
  absl::string_view name = text;
  if (absl::EndsWith(text, "]")) {
    size_t open = text.rfind('[');
    if (open != absl::string_view::npos) {
      std::string sector = absl::AsciiStrToUpper(
          absl::StripAsciiWhitespace(text.substr(open + 1, text.size() - open - 2)));
      v1::Sector value;
      if (!v1::Sector_Parse(sector, &value) || value == v1::SECTOR_UNSPECIFIED) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sector '", sector, "' of '", text,
            "' must be PUBLIC, PRIVATE, VOLUNTARY or COMMUNITY"));
      }
      partner.set_sector(value);
      name = absl::StripAsciiWhitespace(text.substr(0, open));
    }
  }
  partner.set_organisation(std::string(name));
  return partner;
}

std::string PartnerText(const v1::Partner& partner) {
  if (partner.sector() == v1::SECTOR_UNSPECIFIED) return partner.organisation();
  return absl::StrCat(partner.organisation(), " [", v1::Sector_Name(partner.sector()), "]");
}

// The CSV column a validation field path belongs to.
std::string ColumnOfField(absl::string_view field,
                          const std::map<std::string, int, std::less<>>& present) {
  absl::string_view top = field.substr(0, field.find_first_of(".["));
  if (top == "council_contribution") {
    bool in_kind = absl::StrContains(field, "in_kind_pence");
    if (absl::StrContains(field, "in_kind_description")) return "in_kind_description";
    std::string pence = in_kind ? "in_kind_pence" : "council_contribution_pence";
    if (present.count(pence)) return pence;
    return in_kind ? "in_kind_pounds" : "council_contribution_pounds";
  }
  return std::string(top);
}

std::vector<api::FieldViolation> ViolationsOf(const absl::Status& status) {
  std::vector<api::FieldViolation> out;
  google::rpc::Status rpc = api::ToRpcStatus(status);
  for (const auto& detail : rpc.details()) {
    google::rpc::BadRequest bad;
    if (detail.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) out.push_back({v.field(), v.description()});
    }
  }
  if (out.empty()) out.push_back({"", std::string(status.message())});
  return out;
}

template <typename Enum>
std::string EnumNames(bool (*valid)(int), const std::string& (*name)(Enum), int min, int max) {
  std::vector<std::string> names;
  for (int i = min + 1; i <= max; ++i) {
    if (valid(i)) names.push_back(name(static_cast<Enum>(i)));
  }
  return absl::StrJoin(names, ", ");
}

std::string Row(const std::vector<std::string>& fields) {
  std::vector<std::string> quoted;
  for (const auto& f : fields) quoted.push_back(CsvField(f));
  return absl::StrCat(absl::StrJoin(quoted, ","), "\r\n");
}

// Values of every export column for `p`.
std::map<absl::string_view, std::string> ColumnValues(const v1::Partnership& p) {
  std::vector<std::string> partners;
  for (const auto& partner : p.partners()) partners.push_back(PartnerText(partner));
  std::vector<std::string> confidential;
  for (int group : p.confidential_groups()) {
    confidential.push_back(v1::FieldGroup_Name(static_cast<v1::FieldGroup>(group)));
  }
  const auto& money = p.council_contribution();
  return {{"partnership_id", p.name().substr(kCollection.size())},
          {"display_name", p.display_name()},
          {"remit", p.remit()},
          {"lead_service", p.lead_service()},
          {"lead_officer", p.lead_officer()},
          {"key_partnership", p.key_partnership() ? "yes" : "no"},
          {"council_contribution_pounds", Pounds(money.money_pence())},
          {"in_kind_pounds", Pounds(money.in_kind_pence())},
          {"in_kind_description", money.in_kind_description()},
          {"partners", absl::StrJoin(partners, "; ")},
          {"corporate_aims", absl::StrJoin(p.corporate_aims(), "; ")},
          {"monitoring_arrangements", p.monitoring_arrangements()},
          {"additional_monitoring_required", p.additional_monitoring_required() ? "yes" : "no"},
          {"state", v1::State_Name(p.state())},
          {"tier", p.tier() == v1::TIER_UNSPECIFIED ? "" : v1::Tier_Name(p.tier())},
          {"confidential", absl::StrJoin(confidential, "; ")}};
}

bool IsPublicColumn(absl::string_view column) {
  return std::find(std::begin(kPublicWithheld), std::end(kPublicWithheld), column) ==
         std::end(kPublicWithheld);
}

}  // namespace

absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(absl::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;        // inside quotes
  bool was_quoted = false;    // the current field was quoted and its quote closed
  bool any = false;           // the current record has content
  int line = 1;
  int quote_line = 0;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    was_quoted = false;
  };
  auto end_record = [&] {
    if (any || !record.empty()) {
      end_field();
      records.push_back(std::move(record));
    }
    record.clear();
    field.clear();
    was_quoted = false;
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
          was_quoted = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) {
        return api::InvalidField("csv", absl::StrCat("line ", line,
                                                     ": a quote may only start a field"));
      }
      quoted = true;
      quote_line = line;
      any = true;
    } else if (c == ',') {
      end_field();
      any = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      end_record();
      ++line;
    } else {
      if (was_quoted) {
        return api::InvalidField(
            "csv", absl::StrCat("line ", line, ": text after a closing quote"));
      }
      field.push_back(c);
      any = true;
    }
  }
  if (quoted) {
    return api::InvalidField(
        "csv", absl::StrCat("line ", quote_line, ": a quoted field is never closed"));
  }
  end_record();
  return records;
}

std::string CsvField(absl::string_view value) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(value);
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
}

RegisterImport ReadRegisterCsv(absl::string_view text) {
  RegisterImport out;
  auto records = ParseCsv(text);
  if (!records.ok()) {
    out.problems.push_back({0, "", std::string(records.status().message())});
    return out;
  }
  if (records->empty()) {
    out.problems.push_back({1, "", "the file is empty; the first row must name the columns"});
    return out;
  }
  std::map<std::string, int, std::less<>> columns;  // name → index
  const std::vector<std::string>& header = records->front();
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string name = NormaliseHeader(header[i]);
    bool known = std::find(std::begin(kColumns), std::end(kColumns), name) != std::end(kColumns) ||
                 std::find(std::begin(kPenceColumns), std::end(kPenceColumns), name) !=
                     std::end(kPenceColumns);
    if (name.empty() && header.size() > 1) continue;  // a trailing empty column
    if (!known) {
      out.problems.push_back({1, name, absl::StrCat("is not a column of the register; known: ",
                                                    absl::StrJoin(kColumns, ", "))});
    } else if (!columns.emplace(name, i).second) {
      out.problems.push_back({1, name, "appears twice"});
    }
  }
  for (absl::string_view required : {"display_name", "lead_service"}) {
    if (!columns.count(required)) {
      out.problems.push_back({1, std::string(required), "column is required"});
    }
  }
  if (columns.count("council_contribution_pounds") && columns.count("council_contribution_pence")) {
    out.problems.push_back({1, "council_contribution_pence",
                            "give council_contribution_pounds or _pence, not both"});
  }
  if (columns.count("in_kind_pounds") && columns.count("in_kind_pence")) {
    out.problems.push_back({1, "in_kind_pence", "give in_kind_pounds or _pence, not both"});
  }
  if (!out.problems.empty()) return out;

  std::set<std::string> ids;
  for (size_t r = 1; r < records->size(); ++r) {
    const std::vector<std::string>& record = (*records)[r];
    int row = static_cast<int>(r) + 1;
    std::vector<RowProblem> problems;
    auto problem = [&](absl::string_view column, absl::string_view description) {
      problems.push_back({row, std::string(column), std::string(description)});
    };
    if (record.size() > header.size()) {
      problem("", absl::StrCat("has ", record.size(), " fields; the header has ", header.size()));
    }
    auto cell = [&](absl::string_view column) -> std::string {
      auto it = columns.find(column);
      if (it == columns.end() || it->second >= static_cast<int>(record.size())) return "";
      return std::string(absl::StripAsciiWhitespace(record[it->second]));
    };
    ImportRow item;
    item.row = row;
    v1::Partnership& p = item.partnership;
    item.id = cell("partnership_id");
    if (item.id.empty()) {
      problem("partnership_id", "is required, so that a re-import finds the same partnership");
    } else if (absl::Status s = ValidateId(item.id, "partnership_id"); !s.ok()) {
      for (const auto& v : ViolationsOf(s)) problem("partnership_id", v.description);
    } else if (!ids.insert(item.id).second) {
      problem("partnership_id", absl::StrCat("'", item.id, "' appears on an earlier row"));
    }
    p.set_name(absl::StrCat(kCollection, item.id));
    p.set_display_name(cell("display_name"));
    p.set_remit(cell("remit"));
    p.set_lead_service(cell("lead_service"));
    p.set_lead_officer(cell("lead_officer"));
    p.set_monitoring_arrangements(cell("monitoring_arrangements"));
    for (absl::string_view column : {"key_partnership", "additional_monitoring_required"}) {
      auto value = ParseBool(cell(column));
      if (!value.ok()) {
        problem(column, value.status().message());
      } else if (column == "key_partnership") {
        p.set_key_partnership(*value);
      } else {
        p.set_additional_monitoring_required(*value);
      }
    }
    struct Money {
      absl::string_view pounds, pence;
      int64_t* out;
    };
    int64_t money = 0, in_kind = 0;
    for (const Money& m : {Money{"council_contribution_pounds", "council_contribution_pence", &money},
                           Money{"in_kind_pounds", "in_kind_pence", &in_kind}}) {
      bool pence = columns.count(m.pence) > 0;
      auto value = pence ? ParsePence(cell(m.pence)) : ParsePounds(cell(m.pounds));
      if (!value.ok()) {
        problem(pence ? m.pence : m.pounds, value.status().message());
      } else {
        *m.out = *value;
      }
    }
    p.mutable_council_contribution()->set_money_pence(money);
    p.mutable_council_contribution()->set_in_kind_pence(in_kind);
    p.mutable_council_contribution()->set_in_kind_description(cell("in_kind_description"));
    for (const std::string& text : SplitList(cell("partners"))) {
      auto partner = ParsePartner(text);
      if (!partner.ok()) {
        problem("partners", partner.status().message());
      } else {
        *p.add_partners() = *partner;
      }
    }
    for (const std::string& aim : SplitList(cell("corporate_aims"))) p.add_corporate_aims(aim);
    std::string state = absl::AsciiStrToUpper(cell("state"));
    absl::StrReplaceAll({{" ", "_"}}, &state);
    v1::State state_value = v1::PROPOSED;
    if (!state.empty() &&
        (!v1::State_Parse(state, &state_value) || state_value == v1::STATE_UNSPECIFIED)) {
      problem("state", absl::StrCat("must be one of ",
                                    EnumNames<v1::State>(v1::State_IsValid, v1::State_Name,
                                                         v1::State_MIN, v1::State_MAX),
                                    "; got '", cell("state"), "'"));
    }
    p.set_state(state_value);
    std::string tier = absl::AsciiStrToUpper(cell("tier"));
    v1::Tier tier_value = v1::TIER_UNSPECIFIED;
    if (!tier.empty() &&
        (!v1::Tier_Parse(tier, &tier_value) || tier_value == v1::TIER_UNSPECIFIED)) {
      problem("tier", absl::StrCat("must be LIMITED, MODERATE or MAJOR; got '", cell("tier"),
                                   "'"));
    }
    p.set_tier(tier_value);
    for (const std::string& group : SplitList(cell("confidential"))) {
      v1::FieldGroup value;
      if (!v1::FieldGroup_Parse(absl::AsciiStrToUpper(group), &value) ||
          value == v1::FIELD_GROUP_UNSPECIFIED) {
        problem("confidential",
                absl::StrCat("'", group, "' is not a field group; use ",
                             EnumNames<v1::FieldGroup>(v1::FieldGroup_IsValid,
                                                       v1::FieldGroup_Name, v1::FieldGroup_MIN,
                                                       v1::FieldGroup_MAX)));
      } else {
        p.add_confidential_groups(value);
      }
    }
    if (absl::Status s = ValidatePartnership(p, ""); !s.ok()) {
      std::set<std::string> parsed_badly;
      for (const auto& existing : problems) parsed_badly.insert(existing.column);
      for (const auto& v : ViolationsOf(s)) {
        std::string column = ColumnOfField(v.field, columns);
        // A column its parser already refused is not reported twice.
        if (!parsed_badly.count(column)) {
          problem(column, absl::StrCat(v.field == column ? "" : v.field + ": ", v.description));
        }
      }
    }
    if (problems.empty()) {
      out.rows.push_back(std::move(item));
    } else {
      for (auto& pr : problems) out.problems.push_back(std::move(pr));
    }
  }
  return out;
}

std::string RegisterCsvHeader() {
  return Row(std::vector<std::string>(std::begin(kColumns), std::end(kColumns)));
}

std::string RegisterCsvRow(const v1::Partnership& partnership) {
  auto values = ColumnValues(partnership);
  std::vector<std::string> fields;
  for (absl::string_view column : kColumns) fields.push_back(values[column]);
  return Row(fields);
}

std::string PublicRegisterCsvHeader() {
  std::vector<std::string> fields;
  for (absl::string_view column : kColumns) {
    if (IsPublicColumn(column)) fields.emplace_back(column);
  }
  return Row(fields);
}

std::string PublicRegisterCsvRow(const v1::PublicPartnership& pub) {
  v1::Partnership p;
  p.set_name(pub.name());
  p.set_display_name(pub.display_name());
  p.set_remit(pub.remit());
  p.set_lead_service(pub.lead_service());
  p.set_lead_officer(pub.lead_officer());
  *p.mutable_partners() = pub.partners();
  *p.mutable_council_contribution() = pub.council_contribution();
  *p.mutable_corporate_aims() = pub.corporate_aims();
  p.set_key_partnership(pub.key_partnership());
  p.set_monitoring_arrangements(pub.monitoring_arrangements());
  p.set_tier(pub.tier());
  p.set_state(pub.state());
  auto values = ColumnValues(p);
  // A withheld contribution is blank, not a misleading zero.
  if (!pub.has_council_contribution()) {
    values["council_contribution_pounds"] = "";
    values["in_kind_pounds"] = "";
  }
  std::vector<std::string> fields;
  for (absl::string_view column : kColumns) {
    if (IsPublicColumn(column)) fields.push_back(values[column]);
  }
  return Row(fields);
}

}  // namespace accord::registry
