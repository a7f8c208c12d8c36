/* Keyed string hashing (SipHash-1-3). Keys are random per table, so input crafted to
 * collide in one process does not collide in another: lookups stay O(1) on hostile names. */
#ifndef CX_HASH_H
#define CX_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct cx_hash_key {
    uint64_t k0, k1;
} cx_hash_key;

/* A fresh random key (getrandom, falling back to time and address entropy). */
cx_hash_key cx_hash_key_random(void);
uint64_t cx_hash_bytes(cx_hash_key key, const void *data, size_t len);
/* Hash of two strings as one key, e.g. (namespace, name); unambiguous for any contents. */
uint64_t cx_hash_pair(cx_hash_key key, const char *a, size_t alen, const char *b, size_t blen);

#endif
