/*
 * sha256: SHA-256 (FIPS 180-4) written from the standard. Checks three
 * known-answer vectors from FIPS 180-4 / NIST examples ("abc", the empty
 * string, and the two-block 448-bit message), then hashes a generated
 * message of `iterations` x 4 KiB pseudo-random bytes streamed through the
 * incremental interface, and prints the digest. Rotates, adds and
 * logic ops: about 45 instructions per byte at -O2.
 *
 * usage: sha256 [iterations]   (default 400)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define CHUNK_SIZE 4096u
#define FULL_ITERATIONS 400u

struct sha256 {
  uint32_t h[8];       /* the chaining value */
  uint8_t block[64];   /* a partial block waiting for more bytes */
  uint32_t used;       /* bytes in `block` */
  uint64_t length;     /* message length in bytes so far */
};

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* FIPS 180-4 6.2.2: one compression of a 64-byte block into the chaining value. */
static void sha256_compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int t = 0; t < 64; t++) {
    uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = hh + big_s1 + ch + K[t] + w[t];
    uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = big_s0 + maj;
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static void sha256_init(struct sha256 *s) {
  memcpy(s->h, H0, sizeof s->h);
  s->used = 0;
  s->length = 0;
}

static void sha256_update(struct sha256 *s, const uint8_t *p, uint32_t len) {
  s->length += len;
  while (len > 0) {
    if (s->used == 0 && len >= 64) { /* whole blocks straight from the input */
      sha256_compress(s->h, p);
      p += 64, len -= 64;
      continue;
    }
    uint32_t take = 64 - s->used < len ? 64 - s->used : len;
    memcpy(s->block + s->used, p, take);
    s->used += take, p += take, len -= take;
    if (s->used == 64) {
      sha256_compress(s->h, s->block);
      s->used = 0;
    }
  }
}

/* FIPS 180-4 5.1.1: pad with 0x80, zeros, and the bit length as a big-endian 64-bit number. */
static void sha256_final(struct sha256 *s, uint8_t digest[32]) {
  uint64_t bits = s->length * 8;
  s->block[s->used++] = 0x80;
  if (s->used > 56) {
    memset(s->block + s->used, 0, 64 - s->used);
    sha256_compress(s->h, s->block);
    s->used = 0;
  }
  memset(s->block + s->used, 0, 56 - s->used);
  for (int i = 0; i < 8; i++) s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_compress(s->h, s->block);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++) digest[4 * i + j] = (uint8_t)(s->h[i] >> (24 - 8 * j));
}

static void to_hex(const uint8_t digest[32], char out[65]) {
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  out[64] = '\0';
}

/* Hashes a string and compares with the expected hex digest; prints the result line. */
static int known_answer(const char *label, const char *msg, const char *expected) {
  struct sha256 s;
  uint8_t digest[32];
  char hex[65];
  sha256_init(&s);
  sha256_update(&s, (const uint8_t *)msg, (uint32_t)strlen(msg));
  sha256_final(&s, digest);
  to_hex(digest, hex);
  int ok = strcmp(hex, expected) == 0;
  printf("sha256(%s) = %s %s\n", label, hex, ok ? "ok" : "MISMATCH");
  return ok;
}

static uint8_t chunk[CHUNK_SIZE];

int main(int argc, char **argv) {
  unsigned long iterations = bench_iterations(argc, argv, FULL_ITERATIONS);
  int ok = known_answer("\"abc\"", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ok &= known_answer("\"\"", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ok &= known_answer("448-bit message", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  if (!ok) return bench_fail("sha256", "a known-answer test failed");

  /* The generated message: chunk after chunk of xorshift32 bytes (see fill_random). */
  struct sha256 s;
  uint8_t digest[32];
  char hex[65];
  uint32_t seed = 0x5eed5eedu;
  sha256_init(&s);
  for (unsigned long it = 0; it < iterations; it++) {
    fill_random(chunk, CHUNK_SIZE, &seed);
    sha256_update(&s, chunk, CHUNK_SIZE);
  }
  sha256_final(&s, digest);
  to_hex(digest, hex);
  printf("sha256: iterations=%lu bytes=%lu digest=%s\n", iterations, iterations * (unsigned long)CHUNK_SIZE, hex);
  return 0;
}
