/*
 * The persistent counted B+tree (lib/ptree.c) against a plain array model: random edits,
 * every version kept and checked afterwards (persistence), sums and selection, diffs
 * between versions, element reference counts, and allocation failures.
 */
#include "testutil.h"
#include "ptree.h"

#include <stdlib.h>
#include <string.h>

/* Elements: counted integers. measure: [0] = 1 when odd, [1] = value, [2] = 1. */
typedef struct elem {
    int refs;
    int value;
} elem;

static int live_elems;

static void el_retain(void *e)
{
    ((elem *)e)->refs++;
}

static void el_release(void *e, const cx_alloc *a)
{
    (void)a;
    elem *x = e;
    if (--x->refs == 0) {
        live_elems--;
        free(x);
    }
}

static void el_measure(const void *e, uint64_t agg[CX_PT_AGG])
{
    const elem *x = e;
    agg[0] += (uint64_t)(x->value & 1);
    agg[1] += (uint64_t)x->value;
    agg[2] += 1;
}

static int el_cmp(const void *a, const void *b)
{
    int x = ((const elem *)a)->value, y = ((const elem *)b)->value;
    return (x > y) - (x < y);
}

static int key_cmp(const void *key, const void *e)
{
    int x = *(const int *)key, y = ((const elem *)e)->value;
    return (x > y) - (x < y);
}

static const cx_pt_ops seq_ops = {NULL, el_retain, el_release, el_measure};
static const cx_pt_ops ord_ops = {el_cmp, el_retain, el_release, el_measure};

static elem *mk(int v)
{
    elem *e = malloc(sizeof *e);
    e->refs = 0;
    e->value = v;
    live_elems++;
    return e;
}

/* The model: an array of values. */
typedef struct model {
    int *v;
    size_t n;
} model;

static void check_against(const cx_ptree *t, const model *m)
{
    assert_int_equal(cx_pt_count(t), m->n);
    uint64_t odd = 0, sum = 0;
    cx_pt_iter it;
    cx_pt_iter_init(&it, t, 0);
    for (size_t i = 0; i < m->n; i++) {
        elem *e = cx_pt_at(t, i);
        assert_non_null(e);
        assert_int_equal(e->value, m->v[i]);
        assert_ptr_equal(cx_pt_iter_next(&it), e);
        assert_int_equal(cx_pt_prefix(t, 0, i), odd);
        assert_int_equal(cx_pt_prefix(t, 1, i), sum);
        if (m->v[i] & 1) {
            size_t at = SIZE_MAX;
            assert_ptr_equal(cx_pt_select(t, 0, odd, &at), e);
            assert_int_equal(at, i);
        }
        odd += (uint64_t)(m->v[i] & 1);
        sum += (uint64_t)m->v[i];
    }
    assert_null(cx_pt_iter_next(&it));
    assert_null(cx_pt_at(t, m->n));
    assert_int_equal(cx_pt_total(t, 0), odd);
    assert_int_equal(cx_pt_total(t, 1), sum);
    assert_null(cx_pt_select(t, 0, odd, NULL));
    /* Iteration from the middle. */
    if (m->n) {
        size_t start = m->n / 2;
        cx_pt_iter_init(&it, t, start);
        for (size_t i = start; i < m->n; i++)
            assert_int_equal(((elem *)cx_pt_iter_next(&it))->value, m->v[i]);
        assert_null(cx_pt_iter_next(&it));
    }
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define VERSIONS 60

static void test_sequence_persistent(void **state)
{
    (void)state;
    const cx_alloc *a = &cx_default_alloc;
    cx_ptree ver[VERSIONS];
    model mod[VERSIONS];
    cx_ptree t;
    cx_pt_init(&t, &seq_ops, a);
    model m = {NULL, 0};
    size_t cap = 0;
    for (int v = 0; v < VERSIONS; v++) {
        /* A burst of edits, then keep this version and its model. */
        int edits = v < 10 ? 500 : 40;
        for (int e = 0; e < edits; e++) {
            uint64_t r = rnd();
            int op = (int)(r % 10);
            if (m.n == cap) {
                cap = cap ? cap * 2 : 64;
                m.v = realloc(m.v, cap * sizeof *m.v);
            }
            if (op < 6 || m.n == 0) {
                size_t i = (size_t)(rnd() % (m.n + 1));
                int val = (int)(rnd() % 1000);
                assert_true(cx_pt_insert_at(&t, i, mk(val)));
                memmove(m.v + i + 1, m.v + i, (m.n - i) * sizeof *m.v);
                m.v[i] = val;
                m.n++;
            } else if (op < 9) {
                size_t i = (size_t)(rnd() % m.n);
                assert_true(cx_pt_remove_at(&t, i));
                memmove(m.v + i, m.v + i + 1, (m.n - i - 1) * sizeof *m.v);
                m.n--;
            } else {
                size_t i = (size_t)(rnd() % m.n);
                int val = (int)(rnd() % 1000);
                assert_true(cx_pt_set_at(&t, i, mk(val)));
                m.v[i] = val;
            }
        }
        cx_pt_copy(&ver[v], &t, a);
        mod[v].n = m.n;
        mod[v].v = malloc((m.n ? m.n : 1) * sizeof *m.v);
        memcpy(mod[v].v, m.v, m.n * sizeof *m.v);
        check_against(&t, &m);
    }
    /* Every version is still what it was when it was taken. */
    for (int v = 0; v < VERSIONS; v++)
        check_against(&ver[v], &mod[v]);
    /* Removing everything from the newest leaves the others alone. */
    while (cx_pt_count(&t))
        assert_true(cx_pt_remove_at(&t, (size_t)(rnd() % cx_pt_count(&t))));
    assert_null(t.root);
    for (int v = 0; v < VERSIONS; v++) {
        check_against(&ver[v], &mod[v]);
        cx_pt_release(&ver[v]);
        free(mod[v].v);
    }
    free(m.v);
    cx_pt_release(&t);
    assert_int_equal(live_elems, 0);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void test_ordered_and_bulk(void **state)
{
    (void)state;
    const cx_alloc *a = &cx_default_alloc;
    enum { N = 5000 };
    int *vals = malloc(N * sizeof *vals);
    elem **es = malloc(N * sizeof *es);
    for (int i = 0; i < N; i++)
        vals[i] = (int)(rnd() % 3000); /* duplicates on purpose */
    qsort(vals, N, sizeof *vals, cmp_int);
    for (int i = 0; i < N; i++)
        es[i] = mk(vals[i]);
    cx_ptree t;
    cx_pt_init(&t, &ord_ops, a);
    assert_true(cx_pt_build(&t, (void *const *)es, N));
    model m = {vals, N};
    check_against(&t, &m);
    /* lower_bound and find agree with the array. */
    for (int k = -1; k < 3002; k += 7) {
        size_t lb = 0;
        while (lb < (size_t)N && vals[lb] < k)
            lb++;
        assert_int_equal(cx_pt_lower_bound(&t, &k, key_cmp), lb);
        size_t at = SIZE_MAX;
        elem *f = cx_pt_find(&t, &k, key_cmp, &at);
        if (lb < (size_t)N && vals[lb] == k) {
            assert_non_null(f);
            assert_int_equal(at, lb);
        } else {
            assert_null(f);
        }
    }
    /* Ordered inserts and removals by element keep the order. */
    cx_ptree old;
    cx_pt_copy(&old, &t, a);
    for (int i = 0; i < 2000; i++) {
        if (rnd() % 2) {
            assert_true(cx_pt_insert(&t, mk((int)(rnd() % 3000))));
        } else if (cx_pt_count(&t)) {
            elem *e = cx_pt_at(&t, (size_t)(rnd() % cx_pt_count(&t)));
            bool found = false;
            assert_true(cx_pt_remove(&t, e, &found));
            assert_true(found);
        }
    }
    int prev = -1;
    cx_pt_iter it;
    cx_pt_iter_init(&it, &t, 0);
    for (elem *e; (e = cx_pt_iter_next(&it));) {
        assert_true(e->value >= prev);
        prev = e->value;
    }
    elem probe = {1, 5};
    bool found = true;
    assert_false(cx_pt_remove(&t, &probe, &found));
    assert_false(found);
    check_against(&old, &m); /* the version before the edits */
    cx_pt_release(&old);
    cx_pt_release(&t);
    assert_int_equal(live_elems, 0);
    free(es);
    free(vals);
}

/* The diff of a version with one derived from it reports exactly the edits. */
typedef struct diff_rec {
    int removed, added, changed;
} diff_rec;

static bool on_diff(void *ctx, const void *x, const void *y)
{
    diff_rec *r = ctx;
    if (x && y)
        r->changed++;
    else if (x)
        r->removed++;
    else
        r->added++;
    return true;
}

static void test_diff(void **state)
{
    (void)state;
    const cx_alloc *a = &cx_default_alloc;
    enum { N = 20000 };
    elem **es = malloc(N * sizeof *es);
    for (int i = 0; i < N; i++)
        es[i] = mk(i * 2);
    cx_ptree base, next;
    cx_pt_init(&base, &ord_ops, a);
    assert_true(cx_pt_build(&base, (void *const *)es, N));
    cx_pt_copy(&next, &base, a);
    diff_rec r = {0, 0, 0};
    assert_true(cx_pt_diff(&base, &next, on_diff, &r));
    assert_int_equal(r.removed + r.added + r.changed, 0);
    /* 3 inserts (odd values: new keys), 2 removals, 1 replacement by an equal key. */
    assert_true(cx_pt_insert(&next, mk(1)));
    assert_true(cx_pt_insert(&next, mk(20001)));
    assert_true(cx_pt_insert(&next, mk(39999)));
    bool found;
    assert_true(cx_pt_remove(&next, es[100], &found));
    assert_true(cx_pt_remove(&next, es[N - 1], &found));
    int key = 5000;
    size_t at;
    assert_non_null(cx_pt_find(&next, &key, key_cmp, &at));
    assert_true(cx_pt_set_at(&next, at, mk(5000)));
    r = (diff_rec){0, 0, 0};
    assert_true(cx_pt_diff(&base, &next, on_diff, &r));
    assert_int_equal(r.added, 3);
    assert_int_equal(r.removed, 2);
    assert_int_equal(r.changed, 1);
    /* An unrelated tree with the same content: every element compared, none reported. */
    cx_ptree other;
    cx_pt_init(&other, &ord_ops, a);
    for (int i = 0; i < N; i++)
        assert_true(cx_pt_insert(&other, es[i]));
    r = (diff_rec){0, 0, 0};
    assert_true(cx_pt_diff(&base, &other, on_diff, &r));
    assert_int_equal(r.removed + r.added + r.changed, 0);
    cx_pt_release(&other);
    cx_pt_release(&base);
    cx_pt_release(&next);
    assert_int_equal(live_elems, 0);
    free(es);
}

/* Every edit under allocation failure: false and unchanged, or true and right. */
static void test_allocation_failures(void **state)
{
    (void)state;
    tu_failing f = {0, 0, 0, 0};
    cx_alloc fa = {tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f};
    cx_ptree t;
    cx_pt_init(&t, &seq_ops, &fa);
    model m = {malloc(4000 * sizeof(int)), 0};
    long failures = 0;
    for (int step = 0; step < 3000; step++) {
        uint64_t r = rnd();
        cx_ptree keep;
        cx_pt_copy(&keep, &t, &fa); /* a shared version forces copies */
        f.fail_at = f.calls + 1 + (long)(r % 3);
        bool ok;
        int val = (int)(rnd() % 100);
        size_t i = (size_t)(rnd() % (m.n + 1));
        bool ins = r % 4 != 0 || m.n == 0;
        elem *e = ins ? mk(val) : NULL;
        if (e)
            e->refs++; /* our own reference, so a failed insert does not leak it */
        if (ins)
            ok = cx_pt_insert_at(&t, i, e);
        else
            ok = cx_pt_remove_at(&t, i % m.n);
        f.fail_at = 0;
        if (ok && ins) {
            memmove(m.v + i + 1, m.v + i, (m.n - i) * sizeof *m.v);
            m.v[i] = val;
            m.n++;
        } else if (ok) {
            size_t j = i % m.n;
            memmove(m.v + j, m.v + j + 1, (m.n - j - 1) * sizeof *m.v);
            m.n--;
        } else {
            failures++;
        }
        if (e)
            el_release(e, &fa);
        check_against(&t, &m);
        cx_pt_release(&keep);
        if (m.n > 3500)
            break;
    }
    assert_true(failures > 0);
    cx_pt_release(&t);
    free(m.v);
    assert_int_equal(live_elems, 0);
    assert_int_equal(f.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequence_persistent),
        cmocka_unit_test(test_ordered_and_bulk),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
