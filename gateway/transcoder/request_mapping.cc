#include "gateway/transcoder/request_mapping.h"

#include <cstdint>
#include <limits>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api/errors.h"
#include "common/telemetry/log.h"
#include "gateway/transcoder/route_table.h"
#include "google/protobuf/util/json_util.h"

namespace accord::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindField(const Descriptor& type, absl::string_view name) {
  if (const FieldDescriptor* field = type.FindFieldByName(std::string(name))) return field;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == name) return type.field(i);
  }
  return nullptr;
}

// Protobuf 3.21 has its own Status type; the gateway speaks absl::Status.
absl::Status FromProtobuf(const google::protobuf::util::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.code()),
                      std::string(status.message()));
}

bool IsWellKnownType(const Descriptor& type) {
  return absl::StartsWith(type.full_name(), "google.protobuf.");
}

// Decodes application/x-www-form-urlencoded text: "+" is a space, "%XX" a byte.
std::string FormDecode(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '+') {
      out.push_back(' ');
    } else if (raw[i] == '%' && i + 2 < raw.size() && absl::ascii_isxdigit(raw[i + 1]) &&
               absl::ascii_isxdigit(raw[i + 2])) {
      out.push_back(static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

template <typename T>
absl::StatusOr<T> ParseWhole(absl::string_view value, absl::string_view name) {
  T parsed{};
  if (!absl::SimpleAtoi(value, &parsed)) {
    return api::InvalidField(
        name, absl::StrCat("must be a whole number from ", std::numeric_limits<T>::min(), " to ",
                           std::numeric_limits<T>::max(), "; got \"", value, "\""));
  }
  return parsed;
}

template <typename T>
absl::StatusOr<T> ParseReal(absl::string_view value, absl::string_view name) {
  double parsed = 0;
  if (!absl::SimpleAtod(value, &parsed)) {
    return api::InvalidField(name, absl::StrCat("must be a number; got \"", value, "\""));
  }
  return static_cast<T>(parsed);
}

// Sets or appends one scalar, enum or well-known-type value on `parent`.
absl::Status SetLeaf(Message& parent, const FieldDescriptor& field, absl::string_view value,
                     absl::string_view name) {
  const Reflection& r = *parent.GetReflection();
  const bool repeated = field.is_repeated();
#define ACCORD_SET(Kind, parsed)                    \
  do {                                              \
    auto result = (parsed);                         \
    if (!result.ok()) return result.status();       \
    if (repeated) {                                 \
      r.Add##Kind(&parent, &field, *result);        \
    } else {                                        \
      r.Set##Kind(&parent, &field, *result);        \
    }                                               \
    return absl::OkStatus();                        \
  } while (false)
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: ACCORD_SET(Int32, ParseWhole<int32_t>(value, name));
    case FieldDescriptor::CPPTYPE_INT64: ACCORD_SET(Int64, ParseWhole<int64_t>(value, name));
    case FieldDescriptor::CPPTYPE_UINT32: ACCORD_SET(UInt32, ParseWhole<uint32_t>(value, name));
    case FieldDescriptor::CPPTYPE_UINT64: ACCORD_SET(UInt64, ParseWhole<uint64_t>(value, name));
    case FieldDescriptor::CPPTYPE_DOUBLE: ACCORD_SET(Double, ParseReal<double>(value, name));
    case FieldDescriptor::CPPTYPE_FLOAT: ACCORD_SET(Float, ParseReal<float>(value, name));
    case FieldDescriptor::CPPTYPE_BOOL: {
      absl::StatusOr<bool> parsed = api::InvalidField(
          name, absl::StrCat("must be true or false; got \"", value, "\""));
      if (value == "true" || value == "1") parsed = true;
      if (value == "false" || value == "0") parsed = false;
      ACCORD_SET(Bool, parsed);
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumDescriptor& type = *field.enum_type();
      absl::StatusOr<int> number;
      int as_number = 0;
      if (const auto* named = type.FindValueByName(std::string(value))) {
        number = named->number();
      } else if (absl::SimpleAtoi(value, &as_number) &&
                 type.FindValueByNumber(as_number) != nullptr) {
        number = as_number;
      } else {
        std::vector<std::string> names;
        for (int i = 0; i < type.value_count(); ++i) names.push_back(type.value(i)->name());
        number = api::InvalidField(name, absl::StrCat("must be one of ", absl::StrJoin(names, ", "),
                                                      "; got \"", value, "\""));
      }
      ACCORD_SET(EnumValue, number);
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      absl::StatusOr<std::string> text = std::string(value);
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        std::string decoded;
        if (absl::Base64Unescape(value, &decoded) || absl::WebSafeBase64Unescape(value, &decoded)) {
          text = decoded;
        } else {
          text = api::InvalidField(name, absl::StrCat("must be base64; got \"", value, "\""));
        }
      }
      ACCORD_SET(String, text);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!IsWellKnownType(*field.message_type())) {
        return api::InvalidField(
            name, absl::StrCat("is a message (", field.message_type()->full_name(),
                               "); set its fields one by one, for example ", name, ".",
                               field.message_type()->field_count() > 0
                                   ? field.message_type()->field(0)->name()
                                   : "field"));
      }
      Message* target = repeated ? r.AddMessage(&parent, &field) : r.MutableMessage(&parent, &field);
      absl::Status parsed =
          FromProtobuf(google::protobuf::util::JsonStringToMessage(telemetry::JsonQuote(value),
                                                                   target));
      if (!parsed.ok()) {
        return api::InvalidField(
            name, absl::StrCat("is not a valid ", field.message_type()->full_name(), "; got \"",
                               value, "\""));
      }
      return absl::OkStatus();
    }
  }
#undef ACCORD_SET
  return api::InvalidField(name, "has a type the gateway cannot set from text");
}

// The dotted proto-name path of `fields`, used to compare a parameter with the fields
// the path and body already set however the client spelt it.
std::string CanonicalPath(const std::vector<const FieldDescriptor*>& fields) {
  return absl::StrJoin(fields, ".", [](std::string* out, const FieldDescriptor* f) {
    out->append(f->name());
  });
}

bool SameOrNested(absl::string_view a, absl::string_view b) {
  auto covers = [](absl::string_view outer, absl::string_view inner) {
    return inner == outer || absl::StartsWith(inner, absl::StrCat(outer, "."));
  };
  return covers(a, b) || covers(b, a);
}

// Turns the JSON parser's message into a violation naming the field. Protobuf 3.21
// reports "(a.b) c: Cannot find field." for unknown fields, "(a.b): invalid value ..." for
// wrong types, and anything else for text that is not JSON at all.
absl::Status JsonError(const absl::Status& parse_error) {
  absl::string_view message = parse_error.message();
  message = message.substr(0, message.find('\n'));
  absl::string_view rest = message;
  std::string location;
  if (absl::ConsumePrefix(&rest, "(")) {
    size_t close = rest.find(')');
    if (close != absl::string_view::npos) {
      location = std::string(rest.substr(0, close));
      rest.remove_prefix(close + 1);
    }
  }
  if (size_t cannot = rest.find(": Cannot find field."); cannot != absl::string_view::npos) {
    absl::string_view name = absl::StripAsciiWhitespace(rest.substr(0, cannot));
    std::string field = location.empty() ? std::string(name) : absl::StrCat(location, ".", name);
    return api::InvalidField(field, "is not a known field");
  }
  if (!location.empty() && absl::ConsumePrefix(&rest, ": ")) {
    return api::InvalidField(location, std::string(rest));
  }
  return api::InvalidField("body", absl::StrCat("is not valid JSON: ", message));
}

}  // namespace

absl::StatusOr<std::vector<const FieldDescriptor*>> ResolveFieldPath(const Descriptor& type,
                                                                     absl::string_view field_path) {
  std::vector<const FieldDescriptor*> fields;
  const Descriptor* current = &type;
  for (absl::string_view part : absl::StrSplit(field_path, '.')) {
    if (current == nullptr) {
      return api::InvalidField(field_path, absl::StrCat("'", fields.back()->name(),
                                                        "' is not a message, so has no fields"));
    }
    if (!fields.empty() && fields.back()->is_repeated()) {
      return api::InvalidField(field_path, absl::StrCat("'", fields.back()->name(),
                                                        "' is repeated; its fields cannot be set "
                                                        "one by one"));
    }
    const FieldDescriptor* field = FindField(*current, part);
    if (field == nullptr) {
      return api::InvalidField(
          field_path, absl::StrCat("is not a field of ", type.full_name(), " ('", part,
                                   "' is not in ", current->full_name(), ")"));
    }
    fields.push_back(field);
    current = field->message_type();
  }
  return fields;
}

absl::Status SetFieldFromText(Message& message, absl::string_view field_path,
                              absl::string_view value, absl::string_view name_for_errors) {
  absl::StatusOr<std::vector<const FieldDescriptor*>> fields =
      ResolveFieldPath(*message.GetDescriptor(), field_path);
  if (!fields.ok()) {
    return api::InvalidField(name_for_errors, absl::StrCat("is not a field of ",
                                                           message.GetDescriptor()->full_name()));
  }
  Message* parent = &message;
  for (size_t i = 0; i + 1 < fields->size(); ++i) {
    parent = parent->GetReflection()->MutableMessage(parent, (*fields)[i]);
  }
  return SetLeaf(*parent, *fields->back(), value, name_for_errors);
}

absl::Status ApplyQueryParameters(absl::string_view query,
                                  const std::vector<std::string>& path_fields,
                                  absl::string_view body, Message& message) {
  std::map<std::string, int> seen;  // canonical path -> times given
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::string name = FormDecode(kv.first);
    std::string value = FormDecode(kv.second);
    absl::StatusOr<std::vector<const FieldDescriptor*>> fields =
        ResolveFieldPath(*message.GetDescriptor(), name);
    if (!fields.ok()) {
      return api::InvalidField(name, absl::StrCat("is not a field of ",
                                                  message.GetDescriptor()->full_name()));
    }
    std::string canonical = CanonicalPath(*fields);
    if (body == "*") {
      return api::InvalidField(name, "cannot be a query parameter: the request body carries "
                                     "every field of this method");
    }
    if (!body.empty() && SameOrNested(body, canonical)) {
      return api::InvalidField(name, absl::StrCat("cannot be a query parameter: it is part of "
                                                  "the request body (", body, ")"));
    }
    for (const std::string& bound : path_fields) {
      if (SameOrNested(bound, canonical)) {
        return api::InvalidField(name, "cannot be a query parameter: it is set by the URL path");
      }
    }
    if (++seen[canonical] > 1 && !fields->back()->is_repeated()) {
      return api::InvalidField(name, "is not repeated, so may be given only once");
    }
    if (absl::Status set = SetFieldFromText(message, name, value, name); !set.ok()) return set;
  }
  return absl::OkStatus();
}

absl::Status ApplyJsonBody(absl::string_view json, absl::string_view body_field, Message& message) {
  if (absl::StripAsciiWhitespace(json).empty()) json = "{}";
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  absl::Status parsed;
  if (body_field == "*") {
    parsed = FromProtobuf(
        google::protobuf::util::JsonStringToMessage(std::string(json), &message, options));
  } else {
    // Wrapping the body as {"<field>": ...} lets the one JSON parser handle any field type,
    // and its error locations then read as request field paths ("partnership.display_name").
    std::unique_ptr<Message> wrapper(message.New());
    parsed = FromProtobuf(google::protobuf::util::JsonStringToMessage(
        absl::StrCat("{", telemetry::JsonQuote(body_field), ":", json, "\n}"), wrapper.get(),
        options));
    if (parsed.ok()) {
      // A body such as `{...},"requestId":"x"` would parse too, setting fields outside the
      // body field; refuse anything but the body field itself.
      std::vector<const FieldDescriptor*> set;
      wrapper->GetReflection()->ListFields(*wrapper, &set);
      for (const FieldDescriptor* field : set) {
        if (field->name() != body_field) {
          return api::InvalidField("body", absl::StrCat("must be one JSON value, the ", body_field,
                                                   " to send; found more after it"));
        }
      }
      message.MergeFrom(*wrapper);
    }
  }
  return parsed.ok() ? absl::OkStatus() : JsonError(parsed);
}

absl::StatusOr<std::unique_ptr<Message>> BuildRequest(const Route& route,
                                                      const std::vector<VariableBinding>& bindings,
                                                      absl::string_view query,
                                                      absl::string_view body) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          route.method->input_type());
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat("no generated class for ",
                                            route.method->input_type()->full_name()));
  }
  std::unique_ptr<Message> request(prototype->New());
  if (!route.body.empty()) {
    if (absl::Status s = ApplyJsonBody(body, route.body, *request); !s.ok()) return s;
  }
  std::vector<std::string> path_fields;
  for (const VariableBinding& binding : bindings) {
    absl::StatusOr<std::vector<const FieldDescriptor*>> fields =
        ResolveFieldPath(*request->GetDescriptor(), binding.field_path);
    if (fields.ok()) path_fields.push_back(CanonicalPath(*fields));
  }
  if (absl::Status s = ApplyQueryParameters(query, path_fields, route.body, *request); !s.ok()) {
    return s;
  }
  for (const VariableBinding& binding : bindings) {
    absl::Status s = SetFieldFromText(*request, binding.field_path, binding.value,
                                      binding.field_path);
    if (!s.ok()) return s;
  }
  return request;
}

absl::StatusOr<std::string> MessageToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = false;
  std::string out;
  absl::Status printed =
      FromProtobuf(google::protobuf::util::MessageToJsonString(message, &out, options));
  if (!printed.ok()) return printed;
  return out;
}

}  // namespace accord::gateway
