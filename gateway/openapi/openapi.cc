#include "gateway/openapi/openapi.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/auth/access_policy.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace accord::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Value;

Value Str(absl::string_view text) {
  Value v;
  v.set_string_value(std::string(text));
  return v;
}
Value Bool(bool b) {
  Value v;
  v.set_bool_value(b);
  return v;
}
Value Obj(std::vector<std::pair<std::string, Value>> fields) {
  Value v;
  auto* s = v.mutable_struct_value()->mutable_fields();
  for (auto& [key, value] : fields) (*s)[key] = std::move(value);
  return v;
}
Value Arr(std::vector<Value> items) {
  Value v;
  v.mutable_list_value();  // an empty list is [], not absent
  for (auto& item : items) *v.mutable_list_value()->add_values() = std::move(item);
  return v;
}
Value& Field(Value& object, const std::string& key) {
  return (*object.mutable_struct_value()->mutable_fields())[key];
}
Value Ref(absl::string_view full_name) {
  return Obj({{"$ref", Str(absl::StrCat("#/components/schemas/", full_name))}});
}

// A comment as a description: leading comment, trimmed, one paragraph per blank line.
template <typename D>
std::string CommentOf(const D* descriptor) {
  google::protobuf::SourceLocation location;
  if (descriptor == nullptr || !descriptor->GetSourceLocation(&location)) return "";
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(location.leading_comments, '\n')) {
    lines.push_back(std::string(absl::StripAsciiWhitespace(line)));
  }
  return std::string(absl::StripAsciiWhitespace(absl::StrJoin(lines, "\n")));
}

std::string Singular(absl::string_view collection) {
  std::string name(collection);
  if (absl::EndsWith(name, "ies")) return name.substr(0, name.size() - 3) + "y";
  if (absl::EndsWith(name, "s")) return name.substr(0, name.size() - 1);
  return name.empty() ? "id" : name;
}

class SchemaBuilder {
 public:
  explicit SchemaBuilder(const DescriptorPool& pool) : pool_(pool) {}

  // The schema of a field's values (without the repeated wrapper).
  Value ValueSchema(const FieldDescriptor* field) {
    switch (field->type()) {
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return Obj({{"type", Str("integer")}, {"format", Str("int32")}});
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        // proto3 JSON writes 64-bit integers as strings.
        return Obj({{"type", Str("string")}, {"format", Str("int64")}});
      case FieldDescriptor::TYPE_DOUBLE:
      case FieldDescriptor::TYPE_FLOAT:
        return Obj({{"type", Str("number")}});
      case FieldDescriptor::TYPE_BOOL:
        return Obj({{"type", Str("boolean")}});
      case FieldDescriptor::TYPE_STRING:
        return Obj({{"type", Str("string")}});
      case FieldDescriptor::TYPE_BYTES:
        return Obj({{"type", Str("string")}, {"format", Str("byte")}});
      case FieldDescriptor::TYPE_ENUM:
        return EnumSchema(field->enum_type());
      default:
        return MessageSchema(field->message_type());
    }
  }

  Value FieldSchema(const FieldDescriptor* field) {
    if (field->is_map()) {
      return Obj({{"type", Str("object")},
                  {"additionalProperties",
                   ValueSchema(field->message_type()->FindFieldByName("value"))}});
    }
    Value schema = ValueSchema(field);
    if (field->is_repeated()) schema = Obj({{"type", Str("array")}, {"items", std::move(schema)}});
    return schema;
  }

  // A reference to the message's schema, or the JSON form of a well-known type.
  Value MessageSchema(const Descriptor* message) {
    const std::string& name = message->full_name();
    if (name == "google.protobuf.Timestamp") {
      return Obj({{"type", Str("string")}, {"format", Str("date-time")}});
    }
    if (name == "google.protobuf.Duration" || name == "google.protobuf.FieldMask") {
      return Obj({{"type", Str("string")}});
    }
    if (name == "google.protobuf.Empty") return Obj({{"type", Str("object")}});
    if (name == "google.protobuf.Struct" || name == "google.protobuf.Any") {
      return Obj({{"type", Str("object")}, {"additionalProperties", Bool(true)}});
    }
    if (name == "google.protobuf.Value") return Obj({});
    if (!schemas_.count(name)) {
      schemas_[name] = Value();  // placeholder: breaks cycles
      const Descriptor* documented = pool_.FindMessageTypeByName(name);
      Value schema = Obj({{"type", Str("object")}});
      std::string description = CommentOf(documented);
      if (!description.empty()) Field(schema, "description") = Str(description);
      Value properties = Obj({});
      for (int i = 0; i < message->field_count(); ++i) {
        const FieldDescriptor* field = message->field(i);
        Value property = FieldSchema(field);
        std::string comment =
            CommentOf(documented ? documented->FindFieldByName(field->name()) : nullptr);
        // OpenAPI 3.0 ignores siblings of $ref, so a documented reference is wrapped.
        if (property.struct_value().fields().count("$ref") && !comment.empty()) {
          property = Obj({{"allOf", Arr({std::move(property)})}});
        }
        if (!comment.empty()) Field(property, "description") = Str(comment);
        if (absl::StartsWith(comment, "Output only")) Field(property, "readOnly") = Bool(true);
        Field(properties, field->json_name()) = std::move(property);
      }
      Field(schema, "properties") = std::move(properties);
      schemas_[name] = std::move(schema);
    }
    return Ref(name);
  }

  Value EnumSchema(const EnumDescriptor* e) {
    std::vector<Value> names;
    for (int i = 0; i < e->value_count(); ++i) names.push_back(Str(e->value(i)->name()));
    Value schema = Obj({{"type", Str("string")}, {"enum", Arr(std::move(names))}});
    std::string description = CommentOf(pool_.FindEnumTypeByName(e->full_name()));
    if (!description.empty()) Field(schema, "description") = Str(description);
    return schema;
  }

  Value Components() {
    Value out = Obj({});
    for (auto& [name, schema] : schemas_) Field(out, name) = schema;
    return out;
  }

 private:
  const DescriptorPool& pool_;
  std::map<std::string, Value> schemas_;
};

// Query parameters: the request's top-level fields that are neither in the path nor in the
// body and that a query string can carry.
std::vector<Value> QueryParameters(const Route& route, const std::set<std::string>& path_fields,
                                   SchemaBuilder& schemas, const DescriptorPool& pool) {
  std::vector<Value> out;
  if (route.body == "*") return out;
  const Descriptor* input = route.method->input_type();
  const Descriptor* documented = pool.FindMessageTypeByName(input->full_name());
  for (int i = 0; i < input->field_count(); ++i) {
    const FieldDescriptor* field = input->field(i);
    if (path_fields.count(field->name()) || field->name() == route.body || field->is_map()) {
      continue;
    }
    bool scalar = field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
    bool text_form = !scalar && (field->message_type()->full_name() == "google.protobuf.FieldMask" ||
                                 field->message_type()->full_name() == "google.protobuf.Timestamp");
    if (!scalar && !text_form) continue;
    Value parameter = Obj({{"name", Str(field->json_name())},
                           {"in", Str("query")},
                           {"required", Bool(false)},
                           {"schema", schemas.FieldSchema(field)}});
    std::string comment =
        CommentOf(documented ? documented->FindFieldByName(field->name()) : nullptr);
    if (!comment.empty()) Field(parameter, "description") = Str(comment);
    out.push_back(std::move(parameter));
  }
  return out;
}

}  // namespace

std::string OpenApiPath(absl::string_view http_template) {
  std::string out;
  size_t i = 0;
  while (i < http_template.size()) {
    char c = http_template[i];
    if (c != '{') {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t close = http_template.find('}', i);
    if (close == absl::string_view::npos) break;
    absl::string_view variable = http_template.substr(i + 1, close - i - 1);
    size_t eq = variable.find('=');
    if (eq == absl::string_view::npos) {
      absl::StrAppend(&out, "{", variable.substr(variable.rfind('.') + 1), "}");
    } else {
      std::vector<std::string> parts = absl::StrSplit(variable.substr(eq + 1), '/');
      std::string previous = "resource";
      for (size_t p = 0; p < parts.size(); ++p) {
        if (p > 0) out.push_back('/');
        if (parts[p] == "*" || parts[p] == "**") {
          absl::StrAppend(&out, "{", Singular(previous), "}");
        } else {
          out += parts[p];
          previous = parts[p];
        }
      }
    }
    i = close + 1;
  }
  return out;
}

absl::StatusOr<std::string> BuildOpenApi(const RouteTable& routes,
                                         std::string_view documented_descriptor_set) {
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(documented_descriptor_set.data(),
                          static_cast<int>(documented_descriptor_set.size()))) {
    return absl::InternalError("the documented descriptor set cannot be decoded");
  }
  DescriptorPool pool;
  for (const auto& file : set.file()) {
    if (pool.BuildFile(file) == nullptr) {
      return absl::InternalError(absl::StrCat("cannot load ", file.name()));
    }
  }
  SchemaBuilder schemas(pool);
  Value paths = Obj({});
  std::map<std::string, std::string> tags;  // service name -> description
  for (const Route& route : routes.routes()) {
    const auto* method = route.method;
    const auto* documented_method = pool.FindMethodByName(method->full_name());
    std::string path = OpenApiPath(route.path.text());
    std::string tag = method->service()->name();
    tags[tag] = CommentOf(pool.FindServiceByName(method->service()->full_name()));

    std::set<std::string> path_fields;
    std::vector<Value> parameters;
    for (const std::string& field_path : route.path.VariableFieldPaths()) {
      path_fields.insert(field_path.substr(0, field_path.find('.')));
    }
    // One path parameter per {name} in the OpenAPI path, in order.
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
      parameters.push_back(Obj({{"name", Str(name)},
                                {"in", Str("path")},
                                {"required", Bool(true)},
                                {"description", Str(absl::StrCat("The ", name, " id."))},
                                {"schema", Obj({{"type", Str("string")}})}}));
    }
    for (Value& q : QueryParameters(route, path_fields, schemas, pool)) {
      parameters.push_back(std::move(q));
    }

    std::string description = CommentOf(documented_method);
    if (description.empty()) description = method->name();
    // Who may call it, from the same table the gateway enforces.
    const MethodRule* rule =
        RuleFor(absl::StrCat(method->service()->full_name(), "/", method->name()));
    Value security = Arr({});  // public: no key
    if (rule == nullptr || !rule->scope.empty()) {
      security = Arr({Obj({{"apiKey", Arr({})}})});
      parameters.push_back(Obj(
          {{"name", Str("x-accord-officer")},
           {"in", Str("header")},
           {"required", Bool(false)},
           {"description",
            Str("The officer this call is made for, from the officer directory; only keys "
                "trusted to act for officers may send it. Decisions and sign-offs need it.")},
           {"schema", Obj({{"type", Str("string")}})}}));
      if (rule != nullptr) {
        absl::StrAppend(&description, "\n\nNeeds an API key with scope `", rule->scope, "`");
        if (!rule->officer_roles.empty()) {
          absl::StrAppend(&description, ", acting for an officer (`x-accord-officer`) with role ",
                          absl::StrJoin(rule->officer_roles, " or "));
        }
        absl::StrAppend(&description, ".");
      }
    }
    Value operation = Obj({
        {"operationId", Str(absl::StrCat(tag, "_", method->name()))},
        {"summary", Str(method->name())},
        {"description", Str(description)},
        {"tags", Arr({Str(tag)})},
        {"security", std::move(security)},
        {"parameters", Arr(std::move(parameters))},
        {"responses",
         Obj({{"200", Obj({{"description", Str("OK")},
                           {"content", Obj({{"application/json",
                                             Obj({{"schema", schemas.MessageSchema(
                                                                 method->output_type())}})}})}})},
              {"default", Obj({{"$ref", Str("#/components/responses/Error")}})}})},
    });
    if (!route.body.empty()) {
      Value body_schema = route.body == "*"
                              ? schemas.MessageSchema(method->input_type())
                              : schemas.FieldSchema(
                                    method->input_type()->FindFieldByName(route.body));
      Field(operation, "requestBody") = Obj(
          {{"required", Bool(true)},
           {"content", Obj({{"application/json", Obj({{"schema", std::move(body_schema)}})}})}});
    }
    Value& item = Field(paths, path);
    if (item.kind_case() == Value::KIND_NOT_SET) item = Obj({});
    Field(item, absl::AsciiStrToLower(route.http_method)) = std::move(operation);
  }

  std::vector<Value> tag_list;
  for (const auto& [name, description] : tags) {
    tag_list.push_back(Obj({{"name", Str(name)},
                            {"description", Str(description.empty() ? name : description)}}));
  }
  Value error_schema = Obj(
      {{"type", Str("object")},
       {"description", Str("An error (AIP-193): the gRPC status as JSON.")},
       {"properties",
        Obj({{"error",
              Obj({{"type", Str("object")},
                   {"properties",
                    Obj({{"code", Obj({{"type", Str("integer")},
                                       {"description", Str("The HTTP status.")}})},
                         {"status", Obj({{"type", Str("string")},
                                         {"description", Str("The gRPC code name.")}})},
                         {"message", Obj({{"type", Str("string")}})},
                         {"details", Obj({{"type", Str("array")},
                                          {"items", Obj({{"type", Str("object")},
                                                         {"additionalProperties",
                                                          Bool(true)}})}})}})}})}})}});
  Value components = Obj({{"schemas", schemas.Components()}});
  Field(components, "securitySchemes") = Obj(
      {{"apiKey",
        Obj({{"type", Str("http")},
             {"scheme", Str("bearer")},
             {"description",
              Str("The client system's API key: `Authorization: Bearer <key>`. A system "
                  "trusted to act for officers adds `x-accord-officer: <officer id>`.")}})}});
  Field(Field(components, "schemas"), "Error") = std::move(error_schema);
  Field(components, "responses") = Obj(
      {{"Error",
        Obj({{"description", Str("An error: the status, a message naming the field and the "
                                 "rule, and google.rpc details.")},
             {"content",
              Obj({{"application/json",
                    Obj({{"schema", Obj({{"$ref", Str("#/components/schemas/Error")}})}})}})}})}});

  Value document = Obj({
      {"openapi", Str("3.0.3")},
      {"info", Obj({{"title", Str("Accord API")},
                    {"version", Str("v1")},
                    {"description",
                     Str("Partnership governance for councils: the register, screening and "
                         "significance assessment, evaluations and sign-off, risk registers "
                         "and escalation. Generated from the protobuf contracts.")},
                    {"contact", Obj({{"name", Str("Accord maintainers")},
                                     {"url", Str("https://accord.invalid/")}})}})},
      {"servers", Arr({Obj({{"url", Str("/")}, {"description", Str("This gateway")}})})},
      {"tags", Arr(std::move(tag_list))},
      {"paths", std::move(paths)},
      {"components", std::move(components)},
  });
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  auto status = google::protobuf::util::MessageToJsonString(document, &json, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return json;
}

}  // namespace accord::gateway
