#include "common/api/filter.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/api/errors.h"

namespace accord::api {
namespace {

struct Token {
  enum Kind { kWord, kString, kOp, kEnd } kind;
  std::string text;
  size_t position;
};

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ':' || c == '+';
}

absl::Status Bad(size_t position, absl::string_view rule) {
  return InvalidField("filter", absl::StrCat("at character ", position + 1, ": ", rule));
}

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '"') {
      std::string value;
      size_t start = i++;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          value.push_back(text[i + 1]);
          i += 2;
        } else if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value.push_back(text[i++]);
        }
      }
      if (!closed) return Bad(start, "string is not closed with \"");
      tokens.push_back({Token::kString, value, start});
    } else if (c == '=' || c == '<' || c == '>') {
      tokens.push_back({Token::kOp, std::string(1, c), i++});
    } else if (c == '!' && i + 1 < text.size() && text[i + 1] == '=') {
      tokens.push_back({Token::kOp, "!=", i});
      i += 2;
    } else if (IsWordChar(c)) {
      size_t start = i;
      while (i < text.size() && IsWordChar(text[i])) ++i;
      tokens.push_back({Token::kWord, std::string(text.substr(start, i - start)), start});
    } else {
      return Bad(i, absl::StrCat("unexpected '", std::string(1, c),
                                 "'; supported: field = value joined with AND, using =, !=, <, >"));
    }
  }
  tokens.push_back({Token::kEnd, "", text.size()});
  return tokens;
}

absl::StatusOr<std::string> Canonical(const Token& token, const std::string& field,
                                      const FilterFieldSpec& spec, FilterOp op) {
  bool ordering = op == FilterOp::kLess || op == FilterOp::kGreater;
  switch (spec.type) {
    case FilterFieldSpec::Type::kString:
      return token.text;
    case FilterFieldSpec::Type::kEnum:
      if (ordering) return Bad(token.position, absl::StrCat(field, " takes only = and !="));
      if (!spec.enum_values.count(token.text)) {
        return Bad(token.position, absl::StrCat(field, " must be one of ",
                                                absl::StrJoin(spec.enum_values, ", "), "; got '",
                                                token.text, "'"));
      }
      return token.text;
    case FilterFieldSpec::Type::kBool:
      if (ordering) return Bad(token.position, absl::StrCat(field, " takes only = and !="));
      if (token.text != "true" && token.text != "false") {
        return Bad(token.position,
                   absl::StrCat(field, " must be true or false; got '", token.text, "'"));
      }
      return token.text;
    case FilterFieldSpec::Type::kTimestamp: {
      absl::Time time;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, token.text, &time, &error)) {
        return Bad(token.position, absl::StrCat(field, " must be an RFC 3339 time such as "
                                                       "2026-01-31T00:00:00Z; got '",
                                                token.text, "'"));
      }
      return OrderedTimestamp(absl::ToUnixMicros(time));
    }
  }
  return token.text;
}

}  // namespace

std::string QuoteFilterString(absl::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string OrderedTimestamp(int64_t unix_micros) {
  if (unix_micros < 0) unix_micros = 0;
  return absl::StrFormat("%020d", unix_micros);
}

absl::StatusOr<Filter> ParseFilter(absl::string_view text, const FilterSchema& schema) {
  Filter filter;
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.status();
  const std::vector<Token>& t = *tokens;
  size_t i = 0;
  if (t[0].kind == Token::kEnd) return filter;
  while (true) {
    if (t[i].kind != Token::kWord) return Bad(t[i].position, "expected a field name");
    auto spec = schema.find(t[i].text);
    if (spec == schema.end()) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : schema) names.push_back(name);
      return Bad(t[i].position, absl::StrCat("unknown field '", t[i].text,
                                             "'; filterable fields: ", absl::StrJoin(names, ", ")));
    }
    const Token& op_token = t[i + 1];
    if (op_token.kind != Token::kOp) {
      return Bad(op_token.position, absl::StrCat("expected =, !=, < or > after ", t[i].text));
    }
    FilterOp op = op_token.text == "="    ? FilterOp::kEqual
                  : op_token.text == "!=" ? FilterOp::kNotEqual
                  : op_token.text == "<"  ? FilterOp::kLess
                                          : FilterOp::kGreater;
    const Token& value = t[i + 2];
    if (value.kind != Token::kWord && value.kind != Token::kString) {
      return Bad(value.position, absl::StrCat("expected a value after ", t[i].text, " ",
                                              op_token.text));
    }
    auto canonical = Canonical(value, t[i].text, spec->second, op);
    if (!canonical.ok()) return canonical.status();
    filter.comparisons.push_back({t[i].text, op, *std::move(canonical)});
    i += 3;
    if (t[i].kind == Token::kEnd) break;
    if (t[i].kind != Token::kWord || t[i].text != "AND") {
      return Bad(t[i].position, absl::StrCat("expected AND or the end; got '", t[i].text,
                                             "' (OR, NOT and parentheses are not supported)"));
    }
    ++i;
  }
  return filter;
}

bool Matches(const Filter& filter,
             const std::function<std::string(absl::string_view field)>& field_value) {
  for (const Comparison& c : filter.comparisons) {
    std::string actual = field_value(c.field);
    bool holds = false;
    switch (c.op) {
      case FilterOp::kEqual: holds = actual == c.value; break;
      case FilterOp::kNotEqual: holds = actual != c.value; break;
      case FilterOp::kLess: holds = actual < c.value; break;
      case FilterOp::kGreater: holds = actual > c.value; break;
    }
    if (!holds) return false;
  }
  return true;
}

}  // namespace accord::api
