#include "sha1.hpp"

#include <cstring>

namespace mphb {
namespace {

inline uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

}  // namespace

// Content hashes run SHA-1 over every planned row, so this is hot: all 80 steps are written out
// (constant schedule indices, a rolling window of 16 words) and the five working variables rotate by
// renaming instead of moving. The steps are generated: step i uses roles "abcde" rotated right by i % 5.
void Sha1::block(const uint8_t* p) {
  uint32_t w[16];
  for (int i = 0; i < 16; ++i) {
    w[i] = (uint32_t(p[i * 4]) << 24) | (uint32_t(p[i * 4 + 1]) << 16) | (uint32_t(p[i * 4 + 2]) << 8) | uint32_t(p[i * 4 + 3]);
  }
  uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
#define MPHB_W(I) (w[(I)&15] = rotl(w[((I) + 13) & 15] ^ w[((I) + 8) & 15] ^ w[((I) + 2) & 15] ^ w[(I)&15], 1))
#define MPHB_SHA1_STEP(F, K, A, B, E, W) \
  do {                                   \
    E += rotl(A, 5) + (F) + (K) + (W);   \
    B = rotl(B, 30);                     \
  } while (0)
#define MPHB_CH(X, Y, Z) (((X) & (Y)) | (~(X) & (Z)))
#define MPHB_PARITY(X, Y, Z) ((X) ^ (Y) ^ (Z))
#define MPHB_MAJ(X, Y, Z) (((X) & (Y)) | ((X) & (Z)) | ((Y) & (Z)))
  MPHB_SHA1_STEP(MPHB_CH(b, c, d), 0x5A827999u, a, b, e, w[0]);
  MPHB_SHA1_STEP(MPHB_CH(a, b, c), 0x5A827999u, e, a, d, w[1]);
  MPHB_SHA1_STEP(MPHB_CH(e, a, b), 0x5A827999u, d, e, c, w[2]);
  MPHB_SHA1_STEP(MPHB_CH(d, e, a), 0x5A827999u, c, d, b, w[3]);
  MPHB_SHA1_STEP(MPHB_CH(c, d, e), 0x5A827999u, b, c, a, w[4]);
  MPHB_SHA1_STEP(MPHB_CH(b, c, d), 0x5A827999u, a, b, e, w[5]);
  MPHB_SHA1_STEP(MPHB_CH(a, b, c), 0x5A827999u, e, a, d, w[6]);
  MPHB_SHA1_STEP(MPHB_CH(e, a, b), 0x5A827999u, d, e, c, w[7]);
  MPHB_SHA1_STEP(MPHB_CH(d, e, a), 0x5A827999u, c, d, b, w[8]);
  MPHB_SHA1_STEP(MPHB_CH(c, d, e), 0x5A827999u, b, c, a, w[9]);
  MPHB_SHA1_STEP(MPHB_CH(b, c, d), 0x5A827999u, a, b, e, w[10]);
  MPHB_SHA1_STEP(MPHB_CH(a, b, c), 0x5A827999u, e, a, d, w[11]);
  MPHB_SHA1_STEP(MPHB_CH(e, a, b), 0x5A827999u, d, e, c, w[12]);
  MPHB_SHA1_STEP(MPHB_CH(d, e, a), 0x5A827999u, c, d, b, w[13]);
  MPHB_SHA1_STEP(MPHB_CH(c, d, e), 0x5A827999u, b, c, a, w[14]);
  MPHB_SHA1_STEP(MPHB_CH(b, c, d), 0x5A827999u, a, b, e, w[15]);
  MPHB_SHA1_STEP(MPHB_CH(a, b, c), 0x5A827999u, e, a, d, MPHB_W(16));
  MPHB_SHA1_STEP(MPHB_CH(e, a, b), 0x5A827999u, d, e, c, MPHB_W(17));
  MPHB_SHA1_STEP(MPHB_CH(d, e, a), 0x5A827999u, c, d, b, MPHB_W(18));
  MPHB_SHA1_STEP(MPHB_CH(c, d, e), 0x5A827999u, b, c, a, MPHB_W(19));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0x6ED9EBA1u, a, b, e, MPHB_W(20));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0x6ED9EBA1u, e, a, d, MPHB_W(21));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0x6ED9EBA1u, d, e, c, MPHB_W(22));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0x6ED9EBA1u, c, d, b, MPHB_W(23));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0x6ED9EBA1u, b, c, a, MPHB_W(24));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0x6ED9EBA1u, a, b, e, MPHB_W(25));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0x6ED9EBA1u, e, a, d, MPHB_W(26));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0x6ED9EBA1u, d, e, c, MPHB_W(27));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0x6ED9EBA1u, c, d, b, MPHB_W(28));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0x6ED9EBA1u, b, c, a, MPHB_W(29));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0x6ED9EBA1u, a, b, e, MPHB_W(30));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0x6ED9EBA1u, e, a, d, MPHB_W(31));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0x6ED9EBA1u, d, e, c, MPHB_W(32));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0x6ED9EBA1u, c, d, b, MPHB_W(33));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0x6ED9EBA1u, b, c, a, MPHB_W(34));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0x6ED9EBA1u, a, b, e, MPHB_W(35));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0x6ED9EBA1u, e, a, d, MPHB_W(36));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0x6ED9EBA1u, d, e, c, MPHB_W(37));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0x6ED9EBA1u, c, d, b, MPHB_W(38));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0x6ED9EBA1u, b, c, a, MPHB_W(39));
  MPHB_SHA1_STEP(MPHB_MAJ(b, c, d), 0x8F1BBCDCu, a, b, e, MPHB_W(40));
  MPHB_SHA1_STEP(MPHB_MAJ(a, b, c), 0x8F1BBCDCu, e, a, d, MPHB_W(41));
  MPHB_SHA1_STEP(MPHB_MAJ(e, a, b), 0x8F1BBCDCu, d, e, c, MPHB_W(42));
  MPHB_SHA1_STEP(MPHB_MAJ(d, e, a), 0x8F1BBCDCu, c, d, b, MPHB_W(43));
  MPHB_SHA1_STEP(MPHB_MAJ(c, d, e), 0x8F1BBCDCu, b, c, a, MPHB_W(44));
  MPHB_SHA1_STEP(MPHB_MAJ(b, c, d), 0x8F1BBCDCu, a, b, e, MPHB_W(45));
  MPHB_SHA1_STEP(MPHB_MAJ(a, b, c), 0x8F1BBCDCu, e, a, d, MPHB_W(46));
  MPHB_SHA1_STEP(MPHB_MAJ(e, a, b), 0x8F1BBCDCu, d, e, c, MPHB_W(47));
  MPHB_SHA1_STEP(MPHB_MAJ(d, e, a), 0x8F1BBCDCu, c, d, b, MPHB_W(48));
  MPHB_SHA1_STEP(MPHB_MAJ(c, d, e), 0x8F1BBCDCu, b, c, a, MPHB_W(49));
  MPHB_SHA1_STEP(MPHB_MAJ(b, c, d), 0x8F1BBCDCu, a, b, e, MPHB_W(50));
  MPHB_SHA1_STEP(MPHB_MAJ(a, b, c), 0x8F1BBCDCu, e, a, d, MPHB_W(51));
  MPHB_SHA1_STEP(MPHB_MAJ(e, a, b), 0x8F1BBCDCu, d, e, c, MPHB_W(52));
  MPHB_SHA1_STEP(MPHB_MAJ(d, e, a), 0x8F1BBCDCu, c, d, b, MPHB_W(53));
  MPHB_SHA1_STEP(MPHB_MAJ(c, d, e), 0x8F1BBCDCu, b, c, a, MPHB_W(54));
  MPHB_SHA1_STEP(MPHB_MAJ(b, c, d), 0x8F1BBCDCu, a, b, e, MPHB_W(55));
  MPHB_SHA1_STEP(MPHB_MAJ(a, b, c), 0x8F1BBCDCu, e, a, d, MPHB_W(56));
  MPHB_SHA1_STEP(MPHB_MAJ(e, a, b), 0x8F1BBCDCu, d, e, c, MPHB_W(57));
  MPHB_SHA1_STEP(MPHB_MAJ(d, e, a), 0x8F1BBCDCu, c, d, b, MPHB_W(58));
  MPHB_SHA1_STEP(MPHB_MAJ(c, d, e), 0x8F1BBCDCu, b, c, a, MPHB_W(59));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0xCA62C1D6u, a, b, e, MPHB_W(60));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0xCA62C1D6u, e, a, d, MPHB_W(61));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0xCA62C1D6u, d, e, c, MPHB_W(62));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0xCA62C1D6u, c, d, b, MPHB_W(63));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0xCA62C1D6u, b, c, a, MPHB_W(64));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0xCA62C1D6u, a, b, e, MPHB_W(65));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0xCA62C1D6u, e, a, d, MPHB_W(66));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0xCA62C1D6u, d, e, c, MPHB_W(67));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0xCA62C1D6u, c, d, b, MPHB_W(68));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0xCA62C1D6u, b, c, a, MPHB_W(69));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0xCA62C1D6u, a, b, e, MPHB_W(70));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0xCA62C1D6u, e, a, d, MPHB_W(71));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0xCA62C1D6u, d, e, c, MPHB_W(72));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0xCA62C1D6u, c, d, b, MPHB_W(73));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0xCA62C1D6u, b, c, a, MPHB_W(74));
  MPHB_SHA1_STEP(MPHB_PARITY(b, c, d), 0xCA62C1D6u, a, b, e, MPHB_W(75));
  MPHB_SHA1_STEP(MPHB_PARITY(a, b, c), 0xCA62C1D6u, e, a, d, MPHB_W(76));
  MPHB_SHA1_STEP(MPHB_PARITY(e, a, b), 0xCA62C1D6u, d, e, c, MPHB_W(77));
  MPHB_SHA1_STEP(MPHB_PARITY(d, e, a), 0xCA62C1D6u, c, d, b, MPHB_W(78));
  MPHB_SHA1_STEP(MPHB_PARITY(c, d, e), 0xCA62C1D6u, b, c, a, MPHB_W(79));
#undef MPHB_W
#undef MPHB_SHA1_STEP
#undef MPHB_CH
#undef MPHB_PARITY
#undef MPHB_MAJ
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
}

void Sha1::update(const char* data, size_t size) {
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  length_ += size;
  if (buffered_ > 0) {
    const size_t take = size < 64 - buffered_ ? size : 64 - buffered_;
    std::memcpy(buffer_ + buffered_, p, take);
    buffered_ += take;
    p += take;
    size -= take;
    if (buffered_ < 64) return;
    block(buffer_);
    buffered_ = 0;
  }
  for (; size >= 64; p += 64, size -= 64) block(p);
  if (size > 0) std::memcpy(buffer_, p, size);
  buffered_ = size;
}

std::array<uint8_t, 20> Sha1::finish() {
  const uint64_t bit_len = length_ * 8u;
  static const char kPad[64] = {static_cast<char>(0x80)};
  const size_t pad = buffered_ < 56 ? 56 - buffered_ : 120 - buffered_;
  update(kPad, pad);
  char tail[8];
  for (int i = 0; i < 8; ++i) tail[i] = static_cast<char>(bit_len >> ((7 - i) * 8));
  update(tail, 8);
  std::array<uint8_t, 20> out{};
  for (int i = 0; i < 5; ++i) {
    out[i * 4] = static_cast<uint8_t>(h_[i] >> 24);
    out[i * 4 + 1] = static_cast<uint8_t>(h_[i] >> 16);
    out[i * 4 + 2] = static_cast<uint8_t>(h_[i] >> 8);
    out[i * 4 + 3] = static_cast<uint8_t>(h_[i]);
  }
  return out;
}

std::string Sha1::finish_hex() {
  static const char* kHex = "0123456789abcdef";
  const auto digest = finish();
  std::string out(40, '0');
  for (size_t i = 0; i < 20; ++i) {
    out[i * 2] = kHex[digest[i] >> 4];
    out[i * 2 + 1] = kHex[digest[i] & 0x0F];
  }
  return out;
}

std::array<uint8_t, 20> sha1(std::string_view data) {
  Sha1 s;
  s.update(data);
  return s.finish();
}

}  // namespace mphb
