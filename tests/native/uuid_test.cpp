// Deterministic row ids: SHA-1 and UUID v5 must agree with RFC 9562 / Python's uuid module byte for byte,
// or two environments would write different ids for the same MotoPress record.
#include "uuid.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include "row_ids.hpp"
#include "sha1.hpp"

namespace {

using mphb::normalize_uuid;
using mphb::uuid_v5;

constexpr const char* kNamespace = "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11";

std::string hex(const std::array<uint8_t, 20>& digest) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
  return out;
}

// ---- SHA-1 (FIPS 180-4 test vectors; the rest computed with Python's hashlib) -----------------------

TEST(Sha1, EmptyInputMatchesKnownDigest) { EXPECT_EQ(hex(mphb::sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709"); }

TEST(Sha1, AbcMatchesKnownDigest) { EXPECT_EQ(hex(mphb::sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d"); }

TEST(Sha1, TwoBlockMessagesMatchKnownDigests) {
  EXPECT_EQ(hex(mphb::sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex(mphb::sha1("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnop"
                           "qrlmnopqrsmnopqrstnopqrstu")),
            "a49b2446a02c645bf419f995b67091253a04a259");
  EXPECT_EQ(hex(mphb::sha1("The quick brown fox jumps over the lazy dog")), "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
}

TEST(Sha1, LengthsAroundThePaddingBoundaryMatchHashlib) {
  EXPECT_EQ(hex(mphb::sha1(std::string(55, 'a'))), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  EXPECT_EQ(hex(mphb::sha1(std::string(56, 'a'))), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  EXPECT_EQ(hex(mphb::sha1(std::string(63, 'a'))), "03f09f5b158a7a8cdad920bddc29b81c18a551f5");
  EXPECT_EQ(hex(mphb::sha1(std::string(64, 'a'))), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
  EXPECT_EQ(hex(mphb::sha1(std::string(65, 'a'))), "11655326c708d70319be2610e8a57d9a5b959d3b");
  EXPECT_EQ(hex(mphb::sha1(std::string(1000, 'a'))), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

TEST(Sha1, MillionAsMatchesFips180Vector) {
  EXPECT_EQ(hex(mphb::sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, HashesEmbeddedNulBytes) {
  EXPECT_EQ(hex(mphb::sha1(std::string("a\0b", 3))), "4a3dec2d1f8245280855c42db0ee4239f917fdb8");
}

// ---- UUID v5 (expected values from python3 uuid.uuid5) ----------------------------------------------

TEST(UuidV5, MatchesPythonForTheRfcNamespaces) {
  EXPECT_EQ(uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_EQ(uuid_v5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://example.com/"), "dd2c1780-811a-5296-81c5-178a0ef488bc");
}

TEST(UuidV5, MatchesPythonForRowNamesInATenantNamespace) {
  EXPECT_EQ(uuid_v5(kNamespace, "accommodation_type:12"), "1166b567-0ebd-5aa7-ad5b-37f2ee274864");
  EXPECT_EQ(uuid_v5(kNamespace, "accommodation_unit:5"), "52e30757-4d0f-55d9-a910-ecbce45c3e9e");
  EXPECT_EQ(uuid_v5(kNamespace, "reservation:1001"), "04b57b6d-8c55-562f-995e-622eb71e12ae");
  EXPECT_EQ(uuid_v5(kNamespace, "reservation_accommodation:1001:1"), "5944a57e-a8c1-561a-af1a-16202b1022de");
  EXPECT_EQ(uuid_v5(kNamespace, "calendar_block:77:0"), "246cef47-f799-5c0c-9f39-42e4d004b7bf");
}

TEST(UuidV5, MatchesPythonForEmptyAndNonAsciiNames) {
  EXPECT_EQ(uuid_v5(kNamespace, ""), "db75151b-cacb-5324-af89-75d82ca59a6a");
  EXPECT_EQ(uuid_v5(kNamespace, "h\xC3\xA9llo"), "071c8ffe-c735-53ec-bbd3-18ec408ec66e");  // "héllo" in UTF-8
}

TEST(UuidV5, DifferentNamespacesGiveDifferentIds) {
  EXPECT_EQ(uuid_v5("11111111-2222-3333-4444-555555555555", "accommodation_type:12"), "f725ba1d-cd87-5b94-bd35-5dda7740e3a2");
  EXPECT_NE(uuid_v5("11111111-2222-3333-4444-555555555555", "accommodation_type:12"),
            uuid_v5(kNamespace, "accommodation_type:12"));
}

TEST(UuidV5, HasVersion5AndRfcVariantBits) {
  for (const char* name : {"a", "reservation:1", "calendar_block:9:3", ""}) {
    const std::string id = uuid_v5(kNamespace, name);
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '5') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    EXPECT_EQ(normalize_uuid(id), id) << "uuid_v5 output is canonical";
  }
}

TEST(RowIds, EachRowKindUsesItsOwnName) {
  const std::string t = kNamespace;
  EXPECT_EQ(mphb::accommodation_type_row_id(t, 12), "1166b567-0ebd-5aa7-ad5b-37f2ee274864");
  EXPECT_EQ(mphb::accommodation_unit_row_id(t, 5), "52e30757-4d0f-55d9-a910-ecbce45c3e9e");
  EXPECT_EQ(mphb::reservation_row_id(t, 1001), "04b57b6d-8c55-562f-995e-622eb71e12ae");
  EXPECT_EQ(mphb::reservation_accommodation_row_id(t, 1001, 1), "5944a57e-a8c1-561a-af1a-16202b1022de");
  EXPECT_EQ(mphb::calendar_block_row_id(t, 77, 0), "246cef47-f799-5c0c-9f39-42e4d004b7bf");
  // Same MotoPress id, different kinds: different rows.
  EXPECT_NE(mphb::accommodation_type_row_id(t, 5), mphb::accommodation_unit_row_id(t, 5));
}

// ---- normalize_uuid ---------------------------------------------------------------------------------

TEST(NormalizeUuid, AcceptsLowerUpperAndMixedCaseAndReturnsLowerCase) {
  EXPECT_EQ(normalize_uuid("6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11"), "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11");
  EXPECT_EQ(normalize_uuid("6F1C2B7E-3F7C-4D8E-9A51-2B7D6C1E0A11"), "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11");
  EXPECT_EQ(normalize_uuid("6f1C2b7E-3F7c-4d8E-9a51-2B7d6C1e0A11"), "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11");
  EXPECT_EQ(normalize_uuid("00000000-0000-0000-0000-000000000000"), "00000000-0000-0000-0000-000000000000");
}

TEST(NormalizeUuid, RejectsWrongShapes) {
  for (const char* bad : {
           "",
           "6f1c2b7e3f7c4d8e9a512b7d6c1e0a11",        // no dashes
           "{6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11}",  // braces
           "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a1",     // one digit short
           "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a111",   // one digit long
           "6f1c2b7e-3f7c-4d8e-9a512-b7d6c1e0a11",    // dash in the wrong place
           "6f1c2b7e-3f7c-4d8e-9a51_2b7d6c1e0a11",    // underscore for a dash
           "6f1c2b7g-3f7c-4d8e-9a51-2b7d6c1e0a11",    // non-hex digit
           " 6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a1",    // leading space
           "urn:uuid:6f1c2b7e-3f7c-4d8e-9a51-2b7d",   // URN form, 36 chars
           "------------------------------------",    // 36 dashes
       }) {
    EXPECT_FALSE(normalize_uuid(bad).has_value()) << "accepted \"" << bad << "\"";
  }
}

TEST(NormalizeUuid, RejectsEmbeddedNulByte) {
  std::string with_nul = "6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11";
  with_nul[3] = '\0';
  EXPECT_FALSE(normalize_uuid(with_nul).has_value());
}

}  // namespace
