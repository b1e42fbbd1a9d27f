#include "config/load.h"
#include <gtest/gtest.h>
TEST(Load, Placeholder) {}
