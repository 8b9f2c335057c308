#include "services/mediation/model.h"

#include <array>
#include <optional>

#include "common/util/proto.h"

namespace gov::mediation {
namespace {

struct CategoryName {
  mv1::DisputeCategory category;
  const char* name_zh;
};

constexpr std::array<CategoryName, 13> kCategoryNames = {{
    {mv1::DISPUTE_CATEGORY_FAMILY, "婚姻家庭"},
    {mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, "邻里纠纷"},
    {mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT, "物业纠纷"},
    {mv1::DISPUTE_CATEGORY_LABOUR, "劳动争议"},
    {mv1::DISPUTE_CATEGORY_CONTRACT, "合同债务"},
    {mv1::DISPUTE_CATEGORY_TRAFFIC, "交通事故"},
    {mv1::DISPUTE_CATEGORY_MEDICAL, "医疗纠纷"},
    {mv1::DISPUTE_CATEGORY_CONSUMER, "消费纠纷"},
    {mv1::DISPUTE_CATEGORY_FINANCE, "金融纠纷"},
    {mv1::DISPUTE_CATEGORY_INTELLECTUAL_PROPERTY, "知识产权纠纷"},
    {mv1::DISPUTE_CATEGORY_COMMERCE, "商事纠纷"},
    {mv1::DISPUTE_CATEGORY_LAND_AND_HOUSING, "土地房屋纠纷"},
    {mv1::DISPUTE_CATEGORY_OTHER, "其他纠纷"},
}};

}  // namespace

std::string CategoryNameZh(const std::string& key) {
  std::optional<mv1::DisputeCategory> category = EnumFromKey<mv1::DisputeCategory>(key);
  if (category.has_value()) {
    for (const CategoryName& entry : kCategoryNames) {
      if (entry.category == *category) return entry.name_zh;
    }
  }
  return std::string(key);
}

}  // namespace gov::mediation
