// Share links (io/share_link) and what they stand on: base64url and raw DEFLATE through zlib (io/raw_deflate).
// Links made by the build before zlib (tests/io/fixtures/share_links_v1.json) open to exactly their JSON;
// round trips of edge cases, random bytes and every preset's JSON; the compression ratio on a preset;
// malformed streams and fragments refused with core::InputError.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/limits.hpp"
#include "core/presets.hpp"
#include "io/base64url.hpp"
#include "io/raw_deflate.hpp"
#include "io/scenario_json.hpp"
#include "io/share_link.hpp"

#include <nlohmann/json.hpp>

#include "support/files.hpp"

namespace {

using ap::io::deflate_raw;
using ap::io::inflate_raw;

std::string random_bytes(std::mt19937& rng, std::size_t n, int max_byte = 255) {
  std::uniform_int_distribution<int> byte(0, max_byte);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

// Text with the statistics of a scenario's numbers: signed 17-digit decimals in nested lists.
std::string random_numbers_text(std::mt19937& rng, std::size_t n) {
  std::normal_distribution<double> value(0.0, 1.0);
  std::string s = "[";
  while (s.size() < n) s += std::to_string(value(rng)) + std::to_string(rng() % 100000000) + ", ";
  return s;
}

// The error message inflate_raw or the fragment reader gives, or "(no error)".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ap::core::InputError& e) {
    return e.error.what();
  }
  return "(no error)";
}

void check_round_trip(const std::string& data) {
  const std::string packed = deflate_raw(data);
  CHECK(inflate_raw(packed, data.size()) == data);
  if (!data.empty()) CHECK_THAT(error_of([&] { inflate_raw(packed, data.size() - 1); }), Catch::Contains("larger than"));
}

// Bits into a stream by hand, LSB first (huffman codes go MSB first: put_code).
struct Bits {
  std::string bytes;
  int fill = 0;
  void put(unsigned value, int count) {
    for (int k = 0; k < count; ++k, ++fill) {
      if (fill % 8 == 0) bytes.push_back('\0');
      bytes.back() = static_cast<char>(bytes.back() | (((value >> k) & 1) << (fill % 8)));
    }
  }
  void put_code(unsigned code, int length) {
    for (int k = length - 1; k >= 0; --k) put((code >> k) & 1, 1);
  }
};

std::string preset_json(const std::string& id, unsigned seed = 1) {
  return ap::io::scenario_to_string(ap::core::make_preset(id, seed));
}

// A fixed block of `n` zero bytes made of 258-byte matches at distance 1: 13 bits per 258 bytes.
std::string zeros_bomb(std::size_t n) {
  Bits b;
  b.put(1, 1), b.put(1, 2), b.put_code(0x30, 8);  // literal 0
  for (std::size_t k = 1; k + 258 <= n; k += 258) b.put_code(0xC5, 8), b.put_code(0, 5);
  b.put_code(0, 7);  // end of block
  return b.bytes;
}

// FNV-1a, 64 bits: how the fixtures name texts too long to hold.
std::string fnv1a64_hex(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

}  // namespace

TEST_CASE("base64url: RFC 4648 vectors, the URL alphabet, every byte, refusals") {
  using ap::io::base64url_decode;
  using ap::io::base64url_encode;
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
      {"\xfb\xff", "-_8"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64url_encode(plain) == encoded);
    CHECK(base64url_decode(encoded) == plain);
  }
  CHECK(base64url_decode("Zm8=") == "fo");  // padding from other encoders is tolerated
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t n = 0; n <= all.size(); ++n) CHECK(base64url_decode(base64url_encode(all.substr(0, n))) == all.substr(0, n));

  const auto error = [](std::string_view text) { return error_of([&] { base64url_decode(text, "share link"); }); };
  CHECK(error("Zm9v+Yg") == "share link: character 4 is not base64url (A-Z, a-z, 0-9, - or _): \"+\"");
  CHECK(error("Zm/v") == "share link: character 2 is not base64url (A-Z, a-z, 0-9, - or _): \"/\"");
  CHECK(error("Zm9=v") == "share link: character 3 is not base64url (A-Z, a-z, 0-9, - or _): \"=\"");
  CHECK(error("Zm9vY") == "share link: the base64url text is cut short: its length 5 leaves one character over");
}

TEST_CASE("deflate: round trips") {
  std::mt19937 rng(2024);
  SECTION("empty, one byte, every byte value") {
    check_round_trip("");
    CHECK(deflate_raw("").size() <= 2);
    for (int b : {0, 97, 255}) check_round_trip(std::string(1, static_cast<char>(b)));
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    check_round_trip(all);
    check_round_trip(all + all + all);
  }
  SECTION("long runs and repeats") {
    check_round_trip(std::string(100000, 'a'));
    check_round_trip(std::string(std::size_t{1} << 20, '\0'));
    CHECK(deflate_raw(std::string(std::size_t{1} << 20, '\0')).size() < 2000);
    check_round_trip(std::string(70000, 'x') + random_bytes(rng, 1000) + std::string(70000, 'y'));
    std::string pattern;
    for (int k = 0; k < 5000; ++k) pattern += "ab" + std::to_string(k % 37);
    check_round_trip(pattern);
  }
  SECTION("random bytes up to 1 MiB: stored blocks, barely larger than the input") {
    for (std::size_t n : {2u, 3u, 100u, 4096u, 65535u, 65536u, 65537u, 200000u, 1u << 20}) {
      INFO(n);
      const std::string data = random_bytes(rng, n);
      check_round_trip(data);
      CHECK(deflate_raw(data).size() <= n + 5 * (n / 32768 + 1));  // a stored block per 32 Ki symbols
    }
  }
  SECTION("random digits and small alphabets: dynamic blocks, many of them") {
    for (std::size_t n : {1000u, 100000u, 1u << 20}) {
      INFO(n);
      const std::string text = random_numbers_text(rng, n);
      check_round_trip(text);
      CHECK(deflate_raw(text).size() < text.size() / 2);
      check_round_trip(random_bytes(rng, n, 3));
    }
  }
}

TEST_CASE("share link: every preset comes back byte for byte, compressed") {
  for (const auto& info : ap::core::presets()) {
    INFO(info.id);
    const std::string json = preset_json(info.id);
    const std::string fragment = ap::io::share_fragment(json);
    CHECK(fragment.rfind("s=z.", 0) == 0);  // SPEC §3: links of the form index.html#s=...
    CHECK(ap::io::scenario_json_from_fragment(fragment) == json);
    CHECK(ap::io::scenario_json_from_fragment("#" + fragment) == json);
    CHECK(ap::io::scenario_to_string(ap::io::parse_scenario(ap::io::scenario_json_from_fragment(fragment))) == json);
    const std::string packed = deflate_raw(json);
    CHECK(((static_cast<unsigned char>(packed[0]) >> 1) & 3) == 2);  // a dynamic Huffman block
  }
  // The random preset's numbers are 17-digit decimals: about 0.39 of the plain link's length (measured).
  for (unsigned seed : {1u, 2u, 3u}) {
    const std::string json = preset_json("random", seed);
    const double ratio = static_cast<double>(ap::io::share_fragment(json).size()) /
                         static_cast<double>(("s=" + ap::io::base64url_encode(json)).size());
    INFO("seed " << seed << ": compressed / plain link = " << ratio);
    CHECK(ratio < 0.45);
  }
}

TEST_CASE("share link: a scenario with every SPEC §1b field comes back byte for byte") {
  const std::string text = R"({"version":1,"x":[[1,0,0,0],[0,1,0,0]],"heads":2,"kv_heads":1,"alibi":true,"softcap":50,)"
                           R"("sinks":[0.25,-3],"mask_fill":-1e9,"precision":"fp16","mask":"causal"})";
  const std::string canonical = ap::io::scenario_to_string(ap::io::parse_scenario(text));
  const std::string back = ap::io::scenario_json_from_fragment(ap::io::share_fragment(canonical));
  CHECK(back == canonical);
  CHECK(ap::io::scenario_to_string(ap::io::parse_scenario(back)) == canonical);
}

TEST_CASE("share link: legacy s= links, and fragments that are not links") {
  const std::string json = preset_json("cat_sat");
  CHECK(ap::io::scenario_json_from_fragment("z=" + ap::io::base64url_encode(deflate_raw(json))) == json);
  CHECK(ap::io::scenario_json_from_fragment("#s=z." + ap::io::base64url_encode(deflate_raw(json))) == json);
  CHECK(ap::io::scenario_json_from_fragment("s=" + ap::io::base64url_encode(json)) == json);
  CHECK(ap::io::scenario_json_from_fragment("#s=" + ap::io::base64url_encode(json)) == json);
  const auto error = [](std::string_view fragment) { return error_of([&] { ap::io::scenario_json_from_fragment(fragment); }); };
  CHECK(error("") == "share link: the link carries no scenario (expected #s=... after the page's address)");
  CHECK(error("#") == error(""));
  CHECK(error("#x=abc") == "share link: expected s=<scenario> after '#', got \"x=abc\"");
  CHECK(error("z") == "share link: expected s=<scenario> after '#', got \"z\"");
  CHECK(error("#z=") == "share link: the link has nothing after \"z=\"");
  CHECK(error("#s=z.") == "share link: the link has nothing after \"s=\"");
  CHECK(error("s=z.AAAA") == "share link: the compressed data ends early");
  CHECK(error("z=ab%cd") == "share link: character 2 is not base64url (A-Z, a-z, 0-9, - or _): \"%\"");
  CHECK(error("z=AAAA") == "share link: the compressed data ends early");  // a stored block cut short
  CHECK(error("z=" + ap::io::base64url_encode("\x07")) ==
        "share link: the compressed data is corrupt (invalid block type)");
  // A bomb: a quarter megabyte that would inflate past the scenario size limit, refused at the limit.
  CHECK(error("z=" + ap::io::base64url_encode(zeros_bomb(ap::core::limits::max_json_bytes + 1000))) ==
        "share link: the data is larger than " + std::to_string(ap::core::limits::max_json_bytes) +
            " bytes once decompressed");
}

TEST_CASE("inflate: malformed streams are refused, never read past their end") {
  const auto error = [](const std::string& packed, std::size_t max = 1 << 20) {
    return error_of([&] { inflate_raw(packed, max); });
  };
  SECTION("every truncation of valid streams (dynamic, fixed, stored)") {
    std::mt19937 rng(5);
    for (const std::string& data : {preset_json("cat_sat").substr(0, 3000), std::string("hello, hello, hello!"),
                                    random_bytes(rng, 300)}) {
      const std::string packed = deflate_raw(data);
      for (std::size_t n = 0; n < packed.size(); ++n) {
        INFO("first " << n << " of " << packed.size() << " bytes");
        CHECK(error(packed.substr(0, n)) == "share link: the compressed data ends early");
      }
      CHECK(error(packed + "x") == "share link: the compressed data goes on after its final block (1 more bytes)");
    }
  }
  SECTION("random garbage: bytes or an InputError, nothing else") {
    std::mt19937 rng(6);
    int refused = 0;
    for (int trial = 0; trial < 20000; ++trial) {
      std::string garbage = random_bytes(rng, rng() % 64);
      if (trial % 2 == 1 && !garbage.empty()) garbage[0] = static_cast<char>((garbage[0] & ~6) | 4);  // dynamic
      std::size_t size = 0;
      try {
        size = inflate_raw(garbage, 4096).size();
      } catch (const ap::core::InputError& e) {
        ++refused;
        CHECK(e.error.field == "share link");
      }
      CHECK(size <= 4096);
    }
    CHECK(refused > 19000);
  }
  SECTION("hand-made streams") {
    CHECK(error("\x07") == "share link: the compressed data is corrupt (invalid block type)");
    Bits far;  // fixed block: "a", then a match of 3 at distance 2
    far.put(1, 1), far.put(1, 2), far.put_code(0x30 + 'a', 8), far.put_code(1, 7), far.put_code(1, 5);
    CHECK(error(far.bytes) == "share link: the compressed data is corrupt (invalid distance too far back)");
    Bits first;  // fixed block: a match before any byte
    first.put(1, 1), first.put(1, 2), first.put_code(1, 7), first.put_code(0, 5);
    CHECK(error(first.bytes) == "share link: the compressed data is corrupt (invalid distance too far back)");
    Bits bad_code;  // fixed block: literal/length code 286
    bad_code.put(1, 1), bad_code.put(1, 2), bad_code.put_code(0xC0 + 286 - 280, 8);
    CHECK(error(bad_code.bytes) == "share link: the compressed data is corrupt (invalid literal/length code)");
    Bits stored;  // LEN 1, NLEN not its complement
    stored.put(1, 3), stored.put(0, 5), stored.put(1, 16), stored.put(0, 16), stored.put('a', 8);
    CHECK(error(stored.bytes) == "share link: the compressed data is corrupt (invalid stored block lengths)");
    Bits crowded;  // dynamic block whose code-length code has four codes of one bit
    crowded.put(1, 1), crowded.put(2, 2), crowded.put(0, 5), crowded.put(0, 5), crowded.put(0, 4);
    for (int k = 0; k < 4; ++k) crowded.put(1, 3);
    CHECK(error(crowded.bytes) ==
          "share link: the compressed data is corrupt (invalid code lengths set)");
    Bits repeat_first;  // dynamic block starting its code lengths with "repeat the previous one"
    repeat_first.put(1, 1), repeat_first.put(2, 2), repeat_first.put(0, 5), repeat_first.put(0, 5),
        repeat_first.put(0, 4), repeat_first.put(1, 3), repeat_first.put(1, 3), repeat_first.put(0, 3),
        repeat_first.put(0, 3), repeat_first.put_code(0, 1), repeat_first.put(0, 2);
    CHECK(error(repeat_first.bytes) == "share link: the compressed data is corrupt (invalid bit length repeat)");
  }
  SECTION("output over max_output is refused before it is written") {
    const std::string data(1000, 'a');
    const std::string packed = deflate_raw(data);
    CHECK(inflate_raw(packed, 1000) == data);
    CHECK(error(packed, 999) == "share link: the data is larger than 999 bytes once decompressed");
    CHECK(error(deflate_raw("x"), 0) == "share link: the data is larger than 0 bytes once decompressed");
    CHECK(inflate_raw(deflate_raw(""), 0).empty());
    CHECK(error(zeros_bomb(5000000), 4000000) == "share link: the data is larger than 4000000 bytes once decompressed");
  }
}

TEST_CASE("share link: links made before zlib, by every preset, open bit for bit") {
  const nlohmann::json doc = nlohmann::json::parse(ap::test::read_text_file(AP_IO_FIXTURES "/share_links_v1.json"));
  const auto& links = doc.at("links");
  REQUIRE(links.size() >= 20);
  for (const auto& link : links) {
    INFO(link.at("name").get<std::string>() << " (made by " << link.at("made_by").get<std::string>() << ")");
    const std::string fragment = link.at("fragment").get<std::string>();
    REQUIRE(fragment.rfind("s=z.", 0) == 0);
    const std::string json = ap::io::scenario_json_from_fragment(fragment);
    if (link.contains("json")) {
      CHECK(json == link.at("json").get<std::string>());
    } else {
      CHECK(json.size() == link.at("json_bytes").get<std::size_t>());
      CHECK(fnv1a64_hex(json) == link.at("json_fnv1a64").get<std::string>());
    }
    // the older z= form carried the same stream
    CHECK(ap::io::scenario_json_from_fragment("#z=" + fragment.substr(4)) == json);
  }
}
