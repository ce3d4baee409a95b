/* The audit chain's SHA-256 (src/store/sha256.c): the SHA-extension code against libsodium's
 * portable code, over every length around the block and padding boundaries and split points,
 * and the FIPS 180-4 examples. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sha256.h"

static void reference(char out[65], const unsigned char *p, size_t n)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

Test(sha256, fips_examples)
{
    char h[65];
    store_sha256_hex(h, "abc", 3, NULL, 0);
    cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    store_sha256_hex(h, "", 0, NULL, 0);
    cr_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    store_sha256_hex(h, two, 20, two + 20, strlen(two) - 20);
    cr_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, same_as_libsodium_for_every_length_and_split)
{
    printf("sha256: SHA extensions %s\n", store_sha256_accelerated() ? "used" : "not available");
    size_t max = 1100;
    unsigned char *buf = malloc(max);
    cr_assert(buf);
    unsigned long long x = 88172645463325252ULL;
    for (size_t i = 0; i < max; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    char want[65], got[65];
    for (size_t n = 0; n < max; n++) {
        reference(want, buf, n);
        size_t splits[] = {0, 1, n / 2, n > 64 ? 64 : n, n};
        for (int k = 0; k < 5; k++) {
            size_t a = splits[k] <= n ? splits[k] : n;
            store_sha256_hex(got, buf, a, buf + a, n - a);
            cr_assert_str_eq(got, want, "length %zu split at %zu", n, a);
        }
    }
    free(buf);
}
