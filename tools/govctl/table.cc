#include "tools/govctl/table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gov::govctl {
namespace {

bool IsWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

std::string Pad(const std::string& text, size_t width, bool right) {
  const size_t used = DisplayWidth(text);
  const std::string fill(width > used ? width - used : 0, ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    char32_t c = lead;
    if (lead >= 0xF0) {
      length = 4;
      c = lead & 0x07;
    } else if (lead >= 0xE0) {
      length = 3;
      c = lead & 0x0F;
    } else if (lead >= 0xC0) {
      length = 2;
      c = lead & 0x1F;
    }
    if (i + length > text.size()) length = 1;  // truncated sequence: count the byte
    for (size_t k = 1; k < length; ++k) {
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += (length > 1 && IsWide(c)) ? 2 : 1;
    i += length;
  }
  return width;
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), right_(headers_.size(), false) {}

void Table::AlignRight(size_t column) {
  if (column < right_.size()) right_[column] = true;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
  styles_.emplace_back(headers_.size());
}

void Table::SetCellStyle(size_t row, size_t column, std::string prefix) {
  if (row < styles_.size() && column < headers_.size()) styles_[row][column] = std::move(prefix);
}

std::string Table::Render() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells, const std::vector<std::string>* styles) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string cell = Pad(cells[c], widths[c], right_[c]);
      // The last column is not padded, so lines carry no trailing blanks.
      if (c + 1 == cells.size() && !right_[c]) cell = cells[c];
      if (styles != nullptr && !(*styles)[c].empty()) {
        cell = absl::StrCat((*styles)[c], cell, "\033[0m");
      }
      absl::StrAppend(&out, c == 0 ? "" : "  ", cell);
    }
    return absl::StrCat(out, "\n");
  };
  std::string out = line(headers_, nullptr);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  absl::StrAppend(&out, line(rule, nullptr));
  for (size_t r = 0; r < rows_.size(); ++r) absl::StrAppend(&out, line(rows_[r], &styles_[r]));
  return out;
}

}  // namespace gov::govctl
