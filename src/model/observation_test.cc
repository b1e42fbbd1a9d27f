#include "model/observation.h"

#include <gtest/gtest.h>

namespace freshwatch::model {
namespace {

Observation reading(std::string signal) {
  Observation o;
  o.asset_key = "wh:t";
  o.signal = std::move(signal);
  return o;
}

TEST(Observations, CopiesShareOneBlockUntilOneIsChanged) {
  Observations a{reading("x")};
  const Observations b = a;
  EXPECT_EQ(&a[0], &b[0]) << "a copy shares the block";
  a.push_back(reading("y"));
  EXPECT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 1u) << "the other copy never sees the change";
  EXPECT_EQ(b[0].signal, "x");
  EXPECT_NE(&a[0], &b[0]);
  Observations c;
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.begin(), c.end());
  c.edit().push_back(reading("z"));
  EXPECT_EQ(c, Observations{reading("z")});
}

}  // namespace
}  // namespace freshwatch::model
