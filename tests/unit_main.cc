// YottaStore. Licensed under the Apache License 2.0.
// doctest's main for build/<mode>/unit_tests; the suites live beside the
// code they test (src/**/*_test.cc).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
