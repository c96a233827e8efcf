// valid_utf8: well-formed text passes unchanged, each maximal ill-formed subpart becomes one
// U+FFFD (what Python's bytes.decode("utf-8", "replace") gives).
#include "common/utf8.hpp"

#include <catch2/catch.hpp>

using nextorm::valid_utf8;

namespace {
const std::string fffd = "\xef\xbf\xbd";
}

TEST_CASE("well-formed UTF-8 passes unchanged") {
  for (const std::string& s : {std::string{}, std::string{"plain"},
                               std::string{"D\xc3\xa9"
                                           "e"},
                               std::string{"\xe2\x82\xac"}, std::string{"\xf0\x9f\x98\x80"},
                               std::string{"\xf4\x8f\xbf\xbf"}, std::string{"a\0b", 3}}) {
    CHECK(valid_utf8(s) == s);
  }
}

TEST_CASE("each maximal ill-formed subpart becomes one U+FFFD") {
  CHECK(valid_utf8("\xff") == fffd);
  CHECK(valid_utf8("\x80\x80") == fffd + fffd);             // lone continuation bytes
  CHECK(valid_utf8("\xc0\xaf") == fffd + fffd);             // overlong: C0 is never a lead
  CHECK(valid_utf8("\xe0\x80\xaf") == fffd + fffd + fffd);  // overlong three-byte form
  CHECK(valid_utf8("\xed\xa0\x80") == fffd + fffd + fffd);  // a surrogate
  CHECK(valid_utf8("\xf4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above U+10FFFF
  CHECK(valid_utf8("\xe2\x82"
                   "x") == fffd + "x");       // truncated, then ASCII
  CHECK(valid_utf8("\xf0\x9f\x98") == fffd);  // truncated at the end
  CHECK(valid_utf8("\xf0\x9f\x98\xf0\x9f\x98\x80") == fffd + "\xf0\x9f\x98\x80");
  CHECK(valid_utf8("a\xffz") == "a" + fffd + "z");
}
