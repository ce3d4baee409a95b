/*
 * sha256.h — SHA-256 for the audit chain: the x86 SHA extensions when the processor has them,
 * libsodium's portable code otherwise. The same digest either way (FIPS 180-4); only the speed
 * differs (the chain hashes every decision's payload twice, inside and outside the writer lock).
 */
#ifndef XG_STORE_SHA256_H
#define XG_STORE_SHA256_H

#include <stdbool.h>
#include <stddef.h>

/* SHA-256 of a ‖ b (b may be NULL when nb is 0), as 64 lower-case hex digits and a NUL. */
void store_sha256_hex(char out[65], const void *a, size_t na, const void *b, size_t nb);

/* Whether the SHA extensions are used (false: libsodium). XG_STORE_SHA_NI=0 in the environment
 * forces libsodium (for measurements and for the test that compares the two). */
bool store_sha256_accelerated(void);

#endif
