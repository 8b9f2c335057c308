#include "tools/govctl/schema.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/auth/auth.h"
#include "common/server/rpc_service.h"
#include "common/util/status.h"
#include "governance/config/v1/config.pb.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "governance/v1/access.pb.h"
#include "governance/v1/common.pb.h"
#include "governance/v1/indicators.pb.h"
#include "tools/govctl/table.h"

#ifndef GOVCTL_PROTO_FILES
#error "GOVCTL_PROTO_FILES must list the schema files (set by tools/govctl/CMakeLists.txt)"
#endif

namespace gov::govctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// A generated file's descriptors reach the generated pool only when its .pb.cc is linked in;
// touching one message of each file keeps the linker from dropping them even if gov_proto is
// ever built as a static library.
void ForceLinkSchema() {
  static const bool linked = [] {
    (void)governance::v1::RegionRef::descriptor();
    (void)governance::v1::Indicator::descriptor();
    (void)governance::mediation::v1::Dispute::descriptor();
    (void)governance::config::v1::TokenFile::descriptor();
    return true;
  }();
  (void)linked;
}

std::vector<const FileDescriptor*> SchemaFiles() {
  ForceLinkSchema();
  std::vector<const FileDescriptor*> files;
  for (absl::string_view name : absl::StrSplit(GOVCTL_PROTO_FILES, ',', absl::SkipEmpty())) {
    const FileDescriptor* file =
        DescriptorPool::generated_pool()->FindFileByName(std::string(name));
    if (file != nullptr) files.push_back(file);
  }
  return files;
}

void CollectMessages(const Descriptor* message, std::vector<const Descriptor*>* out) {
  out->push_back(message);
  for (int i = 0; i < message->nested_type_count(); ++i) {
    CollectMessages(message->nested_type(i), out);
  }
}

std::vector<const Descriptor*> AllMessages() {
  std::vector<const Descriptor*> messages;
  for (const FileDescriptor* file : SchemaFiles()) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      CollectMessages(file->message_type(i), &messages);
    }
  }
  return messages;
}

std::string MethodSignature(const MethodDescriptor& method) {
  return absl::StrCat(method.name(), "(", method.input_type()->name(), ") returns (",
                      method.output_type()->name(), ")");
}

// Methods whose short, qualified ("Service.Method") or full name equals `name`.
std::vector<const MethodDescriptor*> MatchMethods(
    const std::vector<const ServiceDescriptor*>& services, absl::string_view name) {
  std::vector<const MethodDescriptor*> found;
  for (const ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (method->name() == name || method->full_name() == name ||
          absl::StrCat(service->name(), ".", method->name()) == name) {
        found.push_back(method);
      }
    }
  }
  return found;
}

std::string FieldTypeText(const FieldDescriptor& field) {
  std::string type;
  if (field.is_map()) {
    const Descriptor* entry = field.message_type();
    return absl::StrCat("map<", FieldTypeText(*entry->map_key()), ", ",
                        FieldTypeText(*entry->map_value()), ">");
  }
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_ENUM:
      type = absl::StrCat(field.enum_type()->name(), " (enum)");
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string& full = field.message_type()->full_name();
      if (full == "google.protobuf.Timestamp") {
        type = "Timestamp (RFC 3339, e.g. \"2026-05-01T09:00:00+08:00\")";
      } else if (full == "google.protobuf.Duration") {
        type = "Duration (e.g. \"90s\")";
      } else {
        type = field.message_type()->name();
      }
      break;
    }
    default:
      type = field.type_name();
  }
  if (field.is_repeated()) type = absl::StrCat("repeated ", type);
  const google::protobuf::OneofDescriptor* oneof = field.real_containing_oneof();
  if (oneof != nullptr) absl::StrAppend(&type, "  [one of ", oneof->name(), "]");
  return type;
}

struct FieldLine {
  int depth;
  std::string name;
  std::string type;
};

// Walks a message's fields depth first. Well-known types are leaves; a type already on the path
// (a recursive message) is not expanded again.
void CollectFields(const Descriptor& message, int depth, std::vector<std::string>* path,
                   std::vector<FieldLine>* lines, std::vector<const EnumDescriptor*>* enums) {
  path->push_back(message.full_name());
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    lines->push_back({depth, field.name(), FieldTypeText(field)});
    const FieldDescriptor* element = &field;
    if (field.is_map()) element = field.message_type()->map_value();
    if (element->cpp_type() == FieldDescriptor::CPPTYPE_ENUM &&
        std::find(enums->begin(), enums->end(), element->enum_type()) == enums->end()) {
      enums->push_back(element->enum_type());
    }
    if (element->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const Descriptor& child = *element->message_type();
    if (absl::StartsWith(child.full_name(), "google.protobuf.")) continue;
    if (std::find(path->begin(), path->end(), child.full_name()) != path->end()) continue;
    CollectFields(child, depth + 1, path, lines, enums);
  }
  path->pop_back();
}

std::string MessageText(const Descriptor& message) {
  std::vector<FieldLine> lines;
  std::vector<const EnumDescriptor*> enums;
  std::vector<std::string> path;
  CollectFields(message, 1, &path, &lines, &enums);

  size_t width = 0;
  for (const FieldLine& line : lines) {
    width = std::max(width, static_cast<size_t>(line.depth) * 2 + line.name.size());
  }
  std::string out = absl::StrCat(message.full_name(), "\n");
  if (lines.empty()) absl::StrAppend(&out, "  (no fields)\n");
  for (const FieldLine& line : lines) {
    const size_t used = static_cast<size_t>(line.depth) * 2 + line.name.size();
    absl::StrAppend(&out, std::string(line.depth * 2, ' '), line.name,
                    std::string(width - used + 2, ' '), line.type, "\n");
  }
  for (const EnumDescriptor* e : enums) {
    std::vector<std::string> values;
    for (int i = 0; i < e->value_count(); ++i) values.push_back(e->value(i)->name());
    absl::StrAppend(&out, "\nenum ", e->name(), ":\n  ", absl::StrJoin(values, "\n  "), "\n");
  }
  return out;
}

}  // namespace

std::vector<const ServiceDescriptor*> AllServices() {
  std::vector<const ServiceDescriptor*> services;
  for (const FileDescriptor* file : SchemaFiles()) {
    for (int i = 0; i < file->service_count(); ++i) services.push_back(file->service(i));
  }
  std::sort(services.begin(), services.end(),
            [](const ServiceDescriptor* a, const ServiceDescriptor* b) {
              return a->full_name() < b->full_name();
            });
  return services;
}

absl::StatusOr<const ServiceDescriptor*> TrackService(absl::string_view track) {
  const std::string package = absl::StrCat("governance.", track, ".v1");
  for (const ServiceDescriptor* service : AllServices()) {
    if (service->file()->package() == package) return service;
  }
  return absl::NotFoundError(absl::StrCat("no service in package ", package, " in the schema"));
}

std::vector<const ServiceDescriptor*> KitServices() {
  std::vector<const ServiceDescriptor*> kit;
  for (const ServiceDescriptor* service : AllServices()) {
    if (service->file()->package() == kKitPackage) kit.push_back(service);
  }
  std::stable_partition(kit.begin(), kit.end(), [](const ServiceDescriptor* s) {
    return s->full_name() == kIndicatorsService;
  });
  return kit;
}

absl::StatusOr<const MethodDescriptor*> FindTrackMethod(absl::string_view track,
                                                        absl::string_view name) {
  std::vector<const ServiceDescriptor*> services;
  absl::StatusOr<const ServiceDescriptor*> own = TrackService(track);
  if (own.ok()) services.push_back(*own);
  for (const ServiceDescriptor* kit : KitServices()) services.push_back(kit);

  // Method names are unique within a track's port, so the first service holding it wins.
  for (const ServiceDescriptor* service : services) {
    std::vector<const MethodDescriptor*> found = MatchMethods({service}, name);
    if (!found.empty()) return found.front();
  }
  std::vector<std::string> known;
  for (const ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) known.push_back(service->method(i)->name());
  }
  return absl::NotFoundError(absl::StrCat("track ", track, " has no method ", name,
                                          "; methods: ", absl::StrJoin(known, ", ")));
}

std::string ServicesText() {
  std::string out;
  for (const ServiceDescriptor* service : AllServices()) {
    absl::StrAppend(&out, service->full_name());
    if (service->full_name() == kIndicatorsService) {
      absl::StrAppend(&out, "  (served by every track)");
    } else if (service->file()->package() == kKitPackage) {
      absl::StrAppend(&out, "  (served by the tracks that declare it)");
    }
    absl::StrAppend(&out, "\n");
    for (int i = 0; i < service->method_count(); ++i) {
      absl::StrAppend(&out, "  ", MethodSignature(*service->method(i)), "\n");
    }
    absl::StrAppend(&out, "\n");
  }
  if (out.empty()) return "(no services compiled in)\n";
  out.pop_back();
  return out;
}

absl::StatusOr<std::string> AccessText(absl::string_view track, bool json) {
  GOV_ASSIGN_OR_RETURN(const ServiceDescriptor* own, TrackService(track));
  std::vector<const ServiceDescriptor*> services = {own};
  for (const ServiceDescriptor* kit : KitServices()) services.push_back(kit);
  struct Row {
    std::string method;
    server::MethodAccess access;
  };
  std::vector<Row> rows;
  std::vector<std::string> roles = {auth::kDistrictAdmin, auth::kStreetOperator, auth::kViewer,
                                    auth::kSystem, auth::kAuditor};
  for (const ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      GOV_ASSIGN_OR_RETURN(server::MethodAccess access,
                           server::DeclaredAccess(*service->method(i)));
      for (const std::string& role : access.roles) {
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
      }
      rows.push_back({absl::StrCat(service->name(), ".", service->method(i)->name()), access});
    }
  }
  auto may = [](const server::MethodAccess& access, const std::string& role) {
    return role == auth::kDistrictAdmin || access.all_roles ||
           std::find(access.roles.begin(), access.roles.end(), role) != access.roles.end();
  };
  if (json) {
    std::string out = "[";
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<std::string> allowed;
      for (const std::string& role : roles) {
        if (may(rows[r].access, role)) allowed.push_back(absl::StrCat("\"", role, "\""));
      }
      absl::StrAppend(&out, r == 0 ? "\n" : ",\n", "  {\"method\": \"", rows[r].method,
                      "\", \"roles\": [", absl::StrJoin(allowed, ", "), "], \"scope\": \"",
                      rows[r].access.district_only ? "district" : "streets", "\"}");
    }
    absl::StrAppend(&out, "\n]\n");
    return out;
  }
  std::vector<std::string> headers = {"METHOD"};
  for (const std::string& role : roles) headers.push_back(role);
  headers.push_back("SCOPE");
  Table table(headers);
  for (const Row& row : rows) {
    std::vector<std::string> cells = {row.method};
    for (const std::string& role : roles) cells.push_back(may(row.access, role) ? "yes" : "-");
    cells.push_back(row.access.district_only ? "district" : "streets");
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

absl::StatusOr<std::string> DescribeText(absl::string_view name) {
  std::vector<const MethodDescriptor*> methods = MatchMethods(AllServices(), name);
  if (methods.size() > 1) {
    std::vector<std::string> names;
    for (const MethodDescriptor* m : methods) names.push_back(m->full_name());
    return absl::InvalidArgumentError(absl::StrCat(
        name, " is ambiguous: ", absl::StrJoin(names, ", "), "; qualify it as Service.Method"));
  }
  if (methods.size() == 1) {
    const MethodDescriptor& method = *methods.front();
    return absl::StrCat("rpc ", method.full_name(),
                        "\n  request:  ", method.input_type()->full_name(),
                        "\n  response: ", method.output_type()->full_name(), "\n\n",
                        MessageText(*method.input_type()));
  }

  std::vector<const Descriptor*> messages;
  for (const Descriptor* message : AllMessages()) {
    if (message->full_name() == name || message->name() == name) messages.push_back(message);
  }
  if (messages.size() > 1) {
    std::vector<std::string> names;
    for (const Descriptor* m : messages) names.push_back(m->full_name());
    return absl::InvalidArgumentError(
        absl::StrCat(name, " is ambiguous: ", absl::StrJoin(names, ", "), "; use the full name"));
  }
  if (messages.size() == 1) return MessageText(*messages.front());
  return absl::NotFoundError(
      absl::StrCat("no method or message named ", name, " (see `govctl services`)"));
}

}  // namespace gov::govctl
