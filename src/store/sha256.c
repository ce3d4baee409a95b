/*
 * sha256.c — SHA-256 over the x86 SHA extensions (SHA256RNDS2, SHA256MSG1/2), chosen at run time
 * by CPUID, with libsodium's crypto_hash_sha256 as the fallback and the reference.
 *
 * The state is kept as the extensions want it: two registers holding the working variables
 * A,B,E,F and C,D,G,H. Each 64-byte block is four message words per register (W0..W3, byte-
 * swapped to big-endian words), extended four words at a time by MSG1/MSG2; every RNDS2 runs two
 * rounds with the words plus round constants in the low half of its third operand.
 */
#include "store/sha256.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_CODE 1
#endif

static void to_hex(char out[65], const unsigned char h[32])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[64] = '\0';
}

static void sodium_two(char out[65], const void *a, size_t na, const void *b, size_t nb)
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, a, na);
    if (nb) crypto_hash_sha256_update(&st, b, nb);
    crypto_hash_sha256_final(&st, h);
    to_hex(out, h);
}

#ifdef HAVE_SHA_NI_CODE

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* Compress `nblocks` 64-byte blocks into state (a..h in order). */
__attribute__((target("sha,sse4.1"))) static void blocks_ni(uint32_t state[8],
                                                            const unsigned char *p, size_t nblocks)
{
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]); /* A B C D */
    __m128i st1 = _mm_loadu_si128((const __m128i *)&state[4]); /* E F G H */
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                        /* C D A B */
    st1 = _mm_shuffle_epi32(st1, 0x1B);                        /* H G F E */
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);                /* A B E F */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);                     /* C D G H */
    for (; nblocks; nblocks--, p += 64) {
        const __m128i save0 = st0, save1 = st1;
        __m128i w[4];
        for (int j = 0; j < 4; j++)
            w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * j)), mask);
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) {
            __m128i m = _mm_add_epi32(w[j & 3], _mm_loadu_si128((const __m128i *)&K[4 * j]));
            st1 = _mm_sha256rnds2_epu32(st1, st0, m);
            if (j >= 3 && j <= 14) { /* words 4(j+1) .. 4(j+1)+3 */
                __m128i t = _mm_alignr_epi8(w[j & 3], w[(j + 3) & 3], 4);
                w[(j + 1) & 3] = _mm_add_epi32(w[(j + 1) & 3], t);
                w[(j + 1) & 3] = _mm_sha256msg2_epu32(w[(j + 1) & 3], w[j & 3]);
            }
            m = _mm_shuffle_epi32(m, 0x0E);
            st0 = _mm_sha256rnds2_epu32(st0, st1, m);
            if (j >= 1 && j <= 12) w[(j + 3) & 3] = _mm_sha256msg1_epu32(w[(j + 3) & 3], w[j & 3]);
        }
        st0 = _mm_add_epi32(st0, save0);
        st1 = _mm_add_epi32(st1, save1);
    }
    tmp = _mm_shuffle_epi32(st0, 0x1B);    /* F E B A */
    st1 = _mm_shuffle_epi32(st1, 0xB1);    /* D C H G */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* D C B A */
    st1 = _mm_alignr_epi8(st1, tmp, 8);    /* H G F E */
    _mm_storeu_si128((__m128i *)&state[0], st0);
    _mm_storeu_si128((__m128i *)&state[4], st1);
}

typedef struct ni_ctx {
    uint32_t h[8];
    unsigned char buf[64];
    size_t nbuf;
    uint64_t total;
} ni_ctx;

static void ni_update(ni_ctx *c, const unsigned char *p, size_t n)
{
    c->total += n;
    if (c->nbuf) {
        size_t take = 64 - c->nbuf < n ? 64 - c->nbuf : n;
        memcpy(c->buf + c->nbuf, p, take);
        c->nbuf += take;
        p += take;
        n -= take;
        if (c->nbuf < 64) return;
        blocks_ni(c->h, c->buf, 1);
        c->nbuf = 0;
    }
    if (n >= 64) {
        blocks_ni(c->h, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    memcpy(c->buf, p, n);
    c->nbuf = n;
}

static void ni_two(char out[65], const void *a, size_t na, const void *b, size_t nb)
{
    ni_ctx c = {{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
                 0x5be0cd19},
                {0},
                0,
                0};
    ni_update(&c, a, na);
    if (nb) ni_update(&c, b, nb);
    uint64_t bits = c.total * 8;
    unsigned char pad[72] = {0x80};
    size_t npad = (c.nbuf < 56 ? 56 : 120) - c.nbuf;
    for (int i = 0; i < 8; i++)
        pad[npad + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    ni_update(&c, pad, npad + 8);
    unsigned char h[32];
    for (int i = 0; i < 8; i++) {
        h[4 * i] = (unsigned char)(c.h[i] >> 24);
        h[4 * i + 1] = (unsigned char)(c.h[i] >> 16);
        h[4 * i + 2] = (unsigned char)(c.h[i] >> 8);
        h[4 * i + 3] = (unsigned char)c.h[i];
    }
    to_hex(out, h);
}

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static bool use_ni;

static void probe(void)
{
    const char *e = getenv("XG_STORE_SHA_NI");
    if (e && !strcmp(e, "0")) return;
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    use_ni = (b & (1u << 29)) != 0; /* CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] */
}

bool store_sha256_accelerated(void)
{
    pthread_once(&probe_once, probe);
    return use_ni;
}

void store_sha256_hex(char out[65], const void *a, size_t na, const void *b, size_t nb)
{
    if (store_sha256_accelerated())
        ni_two(out, a, na, b, nb);
    else
        sodium_two(out, a, na, b, nb);
}

#else

bool store_sha256_accelerated(void)
{
    return false;
}

void store_sha256_hex(char out[65], const void *a, size_t na, const void *b, size_t nb)
{
    sodium_two(out, a, na, b, nb);
}

#endif
