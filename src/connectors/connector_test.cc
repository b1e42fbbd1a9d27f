#include "connectors/connector.h"

#include <gtest/gtest.h>

namespace freshwatch::connectors {
namespace {

using namespace std::chrono_literals;

model::Observation obs(std::string key, std::string signal, core::TimePoint at) {
  model::Observation o;
  o.asset_key = std::move(key);
  o.signal = std::move(signal);
  o.observed_at = at;
  return o;
}

TEST(PreviousObservations, KeepsTheLatestPerAssetAndSignal) {
  PreviousObservations previous;
  const core::TimePoint t0{};
  previous.add(obs("w:a.b.c", "s1", t0 + 2s));
  previous.add(obs("w:a.b.c", "s1", t0 + 1s));
  previous.add(obs("w:a.b.c", "s2", t0 + 3s));
  ASSERT_NE(previous.find("w:a.b.c", "s1"), nullptr);
  EXPECT_EQ(previous.find("w:a.b.c", "s1")->observed_at, t0 + 2s);
  EXPECT_EQ(previous.find("w:a.b.c", "s2")->observed_at, t0 + 3s);
  EXPECT_EQ(previous.find("w:a.b.x", "s1"), nullptr);
}

TEST(Registry, UnknownTypeIsAClearError) {
  config::ConnectionConfig c;
  c.name = "lake";
  c.type = "no-such-type";
  auto made = create(c);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().message, "connection 'lake': unknown type 'no-such-type'");
}

}  // namespace
}  // namespace freshwatch::connectors
