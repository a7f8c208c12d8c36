#include "hash.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

typedef struct sip_state {
    uint64_t v0, v1, v2, v3;
    uint64_t tail;   /* pending bytes, little-endian */
    size_t tail_len; /* bytes in tail */
    uint64_t total;  /* bytes absorbed */
} sip_state;

static void sip_round(sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = ROTL(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = ROTL(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = ROTL(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = ROTL(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = ROTL(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = ROTL(s->v2, 32);
}

static void sip_init(sip_state *s, cx_hash_key key)
{
    s->v0 = 0x736f6d6570736575ULL ^ key.k0;
    s->v1 = 0x646f72616e646f6dULL ^ key.k1;
    s->v2 = 0x6c7967656e657261ULL ^ key.k0;
    s->v3 = 0x7465646279746573ULL ^ key.k1;
    s->tail = 0;
    s->tail_len = 0;
    s->total = 0;
}

static void sip_block(sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    s->v0 ^= m;
}

static void sip_update(sip_state *s, const unsigned char *p, size_t len)
{
    s->total += len;
    while (len && s->tail_len) {
        s->tail |= (uint64_t)*p++ << (8 * s->tail_len);
        len--;
        if (++s->tail_len == 8) {
            sip_block(s, s->tail);
            s->tail = 0;
            s->tail_len = 0;
        }
    }
    while (len >= 8) {
        uint64_t m;
        memcpy(&m, p, 8); /* little-endian hosts only; the hash need not be portable */
        sip_block(s, m);
        p += 8;
        len -= 8;
    }
    while (len--)
        s->tail |= (uint64_t)*p++ << (8 * s->tail_len++);
}

static uint64_t sip_final(sip_state *s)
{
    uint64_t b = (s->total << 56) | s->tail;
    sip_block(s, b);
    s->v2 ^= 0xff;
    sip_round(s);
    sip_round(s);
    sip_round(s);
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

uint64_t cx_hash_bytes(cx_hash_key key, const void *data, size_t len)
{
    sip_state s;
    sip_init(&s, key);
    sip_update(&s, data, len);
    return sip_final(&s);
}

uint64_t cx_hash_pair(cx_hash_key key, const char *a, size_t alen, const char *b, size_t blen)
{
    sip_state s;
    sip_init(&s, key);
    /* The length prefix keeps ("ab","c") and ("a","bc") apart. */
    uint64_t n = alen;
    sip_update(&s, (const unsigned char *)&n, sizeof n);
    sip_update(&s, (const unsigned char *)a, alen);
    sip_update(&s, (const unsigned char *)b, blen);
    return sip_final(&s);
}

cx_hash_key cx_hash_key_random(void)
{
    cx_hash_key k = {0, 0};
    if (getrandom(&k, sizeof k, GRND_NONBLOCK) == (ssize_t)sizeof k)
        return k;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    k.k0 = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)&k;
    k.k1 = (uint64_t)ts.tv_sec * 0xbf58476d1ce4e5b9ULL ^ (uint64_t)(uintptr_t)&cx_hash_bytes;
    return k;
}
