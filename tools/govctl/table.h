#ifndef GOV_TOOLS_GOVCTL_TABLE_H_
#define GOV_TOOLS_GOVCTL_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

namespace gov::govctl {

// Columns on a terminal taken by UTF-8 text: East Asian wide characters (the Chinese names)
// take two, everything else one.
size_t DisplayWidth(std::string_view text);

// A plain-text table with aligned columns; numbers can be right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Marks a column as right-aligned (numbers).
  void AlignRight(size_t column);
  // Adds a row; missing cells are empty.
  void AddRow(std::vector<std::string> cells);
  // Puts `prefix` (a terminal escape such as a colour) before one cell of an added row, and a
  // reset after it, when rendering. Alignment ignores the escape.
  void SetCellStyle(size_t row, size_t column, std::string prefix);

  // Header line, separator and rows, each line ending in "\n".
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<std::string>> styles_;
};

}  // namespace gov::govctl

#endif  // GOV_TOOLS_GOVCTL_TABLE_H_
