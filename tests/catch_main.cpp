// The one Catch2 main of the suite: compiled once, never edited (it takes half a minute).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
