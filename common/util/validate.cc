#include "common/util/validate.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/util/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace gov {

absl::Status ValidateRequestId(std::string_view request_id, std::string_view field) {
  if (request_id.empty()) return InvalidField(field, "required");
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidField(field, absl::StrCat("at most ", kMaxRequestIdLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateId(std::string_view id, std::string_view field) {
  if (id.empty()) return InvalidField(field, "required");
  if (id.size() > kMaxIdLength) {
    return InvalidField(field, absl::StrCat("at most ", kMaxIdLength, " characters"));
  }
  return absl::OkStatus();
}

size_t CharCount(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    // Continuation bytes (10xxxxxx) do not start a code point.
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

namespace {

// The code point starting at text[i] and its length in bytes; length 0 for invalid UTF-8
// (truncated, overlong, surrogates, above U+10FFFF).
std::pair<uint32_t, size_t> DecodeUtf8(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  size_t len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (i + len > text.size()) return {0, 0};
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

bool IsRefusedControl(uint32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

absl::Status ValidateMessageTextAt(const google::protobuf::Message& message,
                                   const std::string& prefix) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          GOV_RETURN_IF_ERROR(ValidateTextCharacters(
              reflection->GetRepeatedString(message, field, i), absl::StrCat(path, "[", i, "]")));
        }
      } else {
        GOV_RETURN_IF_ERROR(ValidateTextCharacters(reflection->GetString(message, field), path));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          GOV_RETURN_IF_ERROR(ValidateMessageTextAt(
              reflection->GetRepeatedMessage(message, field, i), absl::StrCat(path, "[", i, "]")));
        }
      } else {
        GOV_RETURN_IF_ERROR(ValidateMessageTextAt(reflection->GetMessage(message, field), path));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTextCharacters(std::string_view text, std::string_view field) {
  for (size_t i = 0; i < text.size();) {
    const auto [cp, len] = DecodeUtf8(text, i);
    if (len == 0) return InvalidField(field, "not valid UTF-8");
    if (IsRefusedControl(cp)) {
      return InvalidField(field,
                          cp == 0 ? "contains a NUL character" : "contains a control character");
    }
    i += len;
  }
  return absl::OkStatus();
}

absl::Status ValidateMessageText(const google::protobuf::Message& message) {
  return ValidateMessageTextAt(message, "");
}

absl::Status ValidatePhone(std::string_view phone, std::string_view field) {
  constexpr size_t kMin = 5;
  constexpr size_t kMax = 20;
  if (phone.empty()) return absl::OkStatus();
  if (phone.size() < kMin || phone.size() > kMax) {
    return InvalidField(field, absl::StrCat(kMin, " to ", kMax, " characters"));
  }
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    const bool leading_plus = c == '+' && i == 0;
    const bool separator = (c == '-' || c == ' ') && i > 0 && is_digit(phone[i - 1]) &&
                           i + 1 < phone.size() && is_digit(phone[i + 1]);
    if (!is_digit(c) && !leading_plus && !separator) {
      return InvalidField(field, "digits with an optional leading '+', separated by '-' or spaces");
    }
    if (is_digit(c)) ++digits;
  }
  if (digits < kMin) return InvalidField(field, absl::StrCat("at least ", kMin, " digits"));
  return absl::OkStatus();
}

absl::Status ValidateTime(const google::protobuf::Timestamp& time, std::string_view field) {
  // 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
  constexpr int64_t kMinSeconds = 946684800;
  constexpr int64_t kMaxSeconds = 4102444800;
  if (time.seconds() == 0 && time.nanos() == 0) return InvalidField(field, "required");
  if (time.seconds() < kMinSeconds || time.seconds() >= kMaxSeconds || time.nanos() < 0 ||
      time.nanos() > 999999999) {
    return InvalidField(field, "not a time between 2000 and 2100");
  }
  return absl::OkStatus();
}

absl::Status ValidatePastTime(const google::protobuf::Timestamp& time, std::string_view field,
                              absl::Time now) {
  GOV_RETURN_IF_ERROR(ValidateTime(time, field));
  const absl::Time t = absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
  if (t > now + kMaxClockSkew) return InvalidField(field, "in the future");
  return absl::OkStatus();
}

absl::Status ValidateRange(int64_t value, int64_t lo, int64_t hi, std::string_view field) {
  if (value < lo || value > hi) return InvalidField(field, absl::StrCat(lo, " to ", hi));
  return absl::OkStatus();
}

absl::Status ValidateDay(std::string_view day, std::string_view field, bool required) {
  if (day.empty()) {
    return required ? InvalidField(field, "required (YYYY-MM-DD)") : absl::OkStatus();
  }
  absl::CivilDay parsed;
  // ParseCivilTime accepts only the exact form and normalises nothing it cannot represent; the
  // round trip refuses days such as 2026-02-30.
  if (day.size() != 10 || !absl::ParseCivilTime(std::string(day), &parsed) ||
      absl::FormatCivilTime(parsed) != day || parsed.year() < 2000 || parsed.year() > 2099) {
    return InvalidField(field, "not a day (YYYY-MM-DD, 2000-2099)");
  }
  return absl::OkStatus();
}

absl::Status ValidateText(std::string_view text, std::string_view field, size_t max,
                          bool required) {
  if (required && text.empty()) return InvalidField(field, "required");
  GOV_RETURN_IF_ERROR(ValidateTextCharacters(text, field));
  if (CharCount(text) > max) {
    return InvalidField(field, absl::StrCat("at most ", max, " characters"));
  }
  return absl::OkStatus();
}

}  // namespace gov
