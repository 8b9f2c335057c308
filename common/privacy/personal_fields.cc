#include "common/privacy/personal_fields.h"

#include <algorithm>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "governance/v1/privacy.pb.h"

namespace gov::privacy {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool Marked(const FieldDescriptor* f) {
  return f->options().GetExtension(governance::v1::personal);
}

// The answers of CanHoldPersonalData, a type at a time.
class Reach {
 public:
  bool CanHold(const Descriptor* type) {
    {
      absl::MutexLock lock(&mu_);
      auto it = known_.find(type);
      if (it != known_.end()) return it->second;
    }
    absl::flat_hash_map<const Descriptor*, bool> visiting;
    const bool can = Compute(type, visiting);
    absl::MutexLock lock(&mu_);
    known_[type] = can;
    return can;
  }

 private:
  // Depth first; a type met again on its own path (recursive types) adds nothing new there.
  static bool Compute(const Descriptor* type, absl::flat_hash_map<const Descriptor*, bool>& seen) {
    if (auto it = seen.find(type); it != seen.end()) return it->second;
    seen[type] = false;
    bool can = false;
    for (int i = 0; i < type->field_count() && !can; ++i) {
      const FieldDescriptor* f = type->field(i);
      can = Marked(f) ||
            (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && Compute(f->message_type(), seen));
    }
    seen[type] = can;
    return can;
  }

  absl::Mutex mu_;
  absl::flat_hash_map<const Descriptor*, bool> known_ ABSL_GUARDED_BY(mu_);
};

Reach& TheReach() {
  static auto* reach = new Reach();
  return *reach;
}

void Find(const Message& message, const std::string& around, PersonalData& out) {
  const Descriptor* type = message.GetDescriptor();
  if (!CanHoldPersonalData(type)) return;
  const Reflection* refl = message.GetReflection();
  std::string id = around;
  if (const FieldDescriptor* f = type->FindFieldByName("id");
      f != nullptr && !f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    std::string own = refl->GetString(message, f);
    if (!own.empty()) id = std::move(own);
  }
  std::vector<const FieldDescriptor*> present;
  refl->ListFields(message, &present);
  for (const FieldDescriptor* f : present) {
    if (Marked(f)) {
      out.any = true;
      if (!id.empty() &&
          std::find(out.records.begin(), out.records.end(), id) == out.records.end()) {
        out.records.push_back(id);
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < refl->FieldSize(message, f); ++i) {
          Find(refl->GetRepeatedMessage(message, f, i), id, out);
        }
      } else {
        Find(refl->GetMessage(message, f), id, out);
      }
    }
  }
}

}  // namespace

bool CanHoldPersonalData(const Descriptor* type) { return TheReach().CanHold(type); }

PersonalData FindPersonalData(const Message& message) {
  PersonalData out;
  Find(message, "", out);
  return out;
}

int ClearPersonalFields(Message& message) {
  const Reflection* refl = message.GetReflection();
  std::vector<const FieldDescriptor*> present;
  refl->ListFields(message, &present);
  int cleared = 0;
  for (const FieldDescriptor* f : present) {
    if (Marked(f)) {
      refl->ClearField(&message, f);
      ++cleared;
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < refl->FieldSize(message, f); ++i) {
          cleared += ClearPersonalFields(*refl->MutableRepeatedMessage(&message, f, i));
        }
      } else {
        cleared += ClearPersonalFields(*refl->MutableMessage(&message, f));
      }
    }
  }
  return cleared;
}

}  // namespace gov::privacy
