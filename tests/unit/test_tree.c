/* The document tree builder (tree.c), through the producers and by direct calls: keys,
 * aliases, limits, List streaming, skipped fields, abandoned documents. */
#include "testutil.h"

#include "load_recorder.h"

#include <time.h>

/* Time bounds are on CPU time and scaled by the machine's measured speed (and relaxed
 * under sanitizers and valgrind): a busy machine does not fail them (testutil.h). */
#define SLOW tu_bound_factor(false)

static double now(void)
{
    return tu_cpu_now();
}

/* ---- keys ---- */

static void test_duplicate_keys(void **state)
{
    (void)state;
    YAML_EXPECT("spec: {a: 1, b: 2, a: 3}\n", "doc {spec:{a:1,b:2,a:3}} !duplicate-key@1:20\n", "");
    /* Several repeated keys: the first repetition in the text is named. */
    YAML_EXPECT("spec:\n  z: 1\n  y: 1\n  y: 2\n  z: 2\n",
                "doc {spec:{z:1,y:1,y:2,z:2}} !duplicate-key@4:3\n", "");
    /* Equal text, different styles: still the same key. */
    YAML_EXPECT("spec: {a: 1, 'a': 2}\n", "doc {spec:{a:1,\"a\":2}} !duplicate-key@1:14\n", "");
    /* Not equal: prefixes, case. */
    YAML_EXPECT("spec: {a: 1, ab: 2, A: 3}\n", "doc {spec:{a:1,ab:2,A:3}}\n", "");
    /* Only the first pending error of a document is kept. */
    YAML_EXPECT("spec: [{a: 1, a: 2}, {b: 1, b: 2}]\n",
                "doc {spec:[{a:1,a:2},{b:1,b:2}]} !duplicate-key@1:15\n", "");
    /* Top-level keys too (a repeated needed key is built twice). */
    YAML_EXPECT("spec: 1\nspec: 2\n", "doc {spec:1,spec:2} !duplicate-key@2:1\n", "");
}

static void test_duplicate_keys_big_map(void **state)
{
    (void)state;
    /* 100,000 distinct keys then a repetition of one in the middle: sort-based, fast. */
    size_t cap = 100000 * 16 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)sprintf(text, "spec:\n");
    for (int i = 0; i < 100000; i++)
        len += (size_t)sprintf(text + len, "  k%d: %d\n", i, i);
    len += (size_t)sprintf(text + len, "  k50000: again\n");
    rec r;
    rec_init(&r);
    r.quiet = true;
    double t0 = now();
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_true(now() - t0 < 2.0 * SLOW);
    assert_int_equal(r.roots, 1);
    assert_int_equal(r.pendings, 1);
    rec_free(&r);
    free(text);
}

/* Renders `text` (one document) as the recorder logs it. */
static char *render_yaml(const char *text)
{
    rec r;
    rec_init(&r);
    rec_yaml(&r, text);
    char *out = strdup(r.log.s);
    rec_free(&r);
    return out;
}

/* Removes the "zN:N" pairs the padded maps add, with a comma next to each. */
static void strip_padding(char *s)
{
    for (int z = 19; z >= 0; z--) {
        char pat[32];
        snprintf(pat, sizeof pat, ",z%d:%d", z, z);
        char *p = strstr(s, pat);
        if (!p) {
            snprintf(pat, sizeof pat, "z%d:%d,", z, z);
            p = strstr(s, pat);
        }
        assert_non_null(p);
        size_t n = strlen(pat);
        memmove(p, p + n, strlen(p + n) + 1);
    }
}

/* Maps of a few keys are checked for repeats pair by pair, larger ones by sorting: both
 * find the same repeats and drop the same merged keys, on random maps with repeats and
 * merge keys, read once as they are and once padded past the small-map size. */
static void test_repeats_small_and_large_maps(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    for (int round = 0; round < 400; round++) {
        char map[512], padded[1024];
        size_t n = 0;
        int pairs = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
        for (int i = 0; i < pairs; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            if (r % 7 == 0)
                n += (size_t)snprintf(map + n, sizeof map - n, "%s<<: {%c: m%d, e: m}",
                                      i ? ", " : "", 'a' + (int)(r / 7 % 5), i);
            else if (r % 11 == 0)
                n += (size_t)snprintf(map + n, sizeof map - n, "%s<<: [{b: l%d}, {c: l, a: l}]",
                                      i ? ", " : "", i);
            else
                n += (size_t)snprintf(map + n, sizeof map - n, "%s%c: %d", i ? ", " : "",
                                      'a' + (int)(r % 5), i);
        }
        size_t pn = (size_t)snprintf(padded, sizeof padded, "spec: {%s", map);
        for (int z = 0; z < 20; z++)
            pn += (size_t)snprintf(padded + pn, sizeof padded - pn, ", z%d: %d", z, z);
        snprintf(padded + pn, sizeof padded - pn, "}\n");
        char plain[600];
        snprintf(plain, sizeof plain, "spec: {%s}\n", map);
        char *a = render_yaml(plain), *b = render_yaml(padded);
        strip_padding(b);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

static void test_complex_keys(void **state)
{
    (void)state;
    YAML_EXPECT("spec: {? [a, b] : c, d: e}\n", "doc {spec:{d:e}} !complex-key@1:10\n", "");
    YAML_EXPECT("spec:\n  ? {x: 1}\n  : y\n  z: 1\n", "doc {spec:{z:1}} !complex-key@2:5\n", "");
    /* An alias to a collection used as a key. */
    YAML_EXPECT("spec: {a: &m {x: 1}, *m : 2}\n", "doc {spec:{a:{x:1}}} !complex-key@1:22\n", "");
    /* An alias to a scalar is a fine key. */
    YAML_EXPECT("spec: {a: &k name, *k : 2}\n", "doc {spec:{a:name,name:2}}\n", "");
}

/* ---- aliases ---- */

static void test_bad_aliases(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    rec_yaml(&r, "spec: &a [1, *a]\n---\nspec: *nope\n---\nspec: [*b, &b 1]\n---\nspec: ok\n");
    assert_string_equal(r.log.s, "doc -\ndoc -\ndoc -\ndoc {spec:ok}\n");
    assert_string_equal(r.diags.s, "yaml-alias@1:14;yaml-alias@3:7;yaml-alias@5:8;");
    assert_string_equal(rec_message(&r, 0), "alias *a refers to a node that contains it");
    assert_string_equal(rec_message(&r, 1), "alias *nope refers to no anchor before it");
    rec_free(&r);
    /* Recursion through a map. */
    YAML_EXPECT("spec: &m {a: {b: *m}}\n", "doc -\n", "yaml-alias@1:18;");
}

static void test_alias_limit(void **state)
{
    (void)state;
    /* x is 3 nodes: the second alias to it makes 6. */
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_ALIAS_EXPANSION] = 5;
    rec_yaml(&r, "spec: {a: &x [1, 2], b: *x, c: *x}\n");
    assert_string_equal(r.log.s, "doc -\n");
    assert_string_equal(r.diags.s, "limit-alias@1:32;");
    rec_free(&r);
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_ALIAS_EXPANSION] = 6;
    rec_yaml(&r, "spec: {a: &x [1, 2], b: *x, c: *x}\n");
    assert_string_equal(r.log.s, "doc {spec:{a:[1,2],b:[1,2],c:[1,2]}}\n");
    rec_free(&r);
    /* Nested aliases count their whole expansion. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_ALIAS_EXPANSION] = 10;
    rec_yaml(&r, "spec: {a: &x [1, 2], b: &y [*x, *x], c: *y}\n");
    /* *x twice = 6, then *y = 1 + 3 + 3 = 7: 13. */
    assert_string_equal(r.diags.s, "limit-alias@1:41;");
    rec_free(&r);
    /* Each List element has its own budget; the document's is restored after it. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_ALIAS_EXPANSION] = 3;
    rec_yaml(&r, "kind: List\nmetadata: &x [1, 2]\nitems:\n- *x\n- [*x]\n- [*x, *x]\n- [*x]\n");
    assert_string_equal(r.log.s, "item [1,2]\nitem [[1,2]]\nitem [[1,2]]\n"
                                 "doc {kind:List,metadata:[1,2],items:[~streamed~]}\n");
    assert_string_equal(r.diags.s, "limit-alias@6:8;");
    rec_free(&r);
}

static void test_anchors_in_list_items(void **state)
{
    (void)state;
    /* Anchors before `items` are seen by every element; an element's own anchors die with
     * it, and a shadowed anchor comes back. */
    rec r;
    rec_init(&r);
    rec_yaml(&r, "kind: List\n"
                 "metadata: &a {n: 1}\n"
                 "items:\n"
                 "- {m: *a}\n"
                 "- {b: &a 2, c: *a}\n"
                 "- {d: *a}\n"
                 "- {e: &z 3}\n"
                 "- {f: *z}\n");
    assert_string_equal(r.log.s, "item {m:{n:1}}\nitem {b:2,c:2}\nitem {d:{n:1}}\nitem {e:3}\n"
                                 "doc {kind:List,metadata:{n:1},items:[~streamed~]}\n");
    assert_string_equal(r.diags.s, "yaml-alias@8:7;");
    rec_free(&r);
}

static void test_merge_errors(void **state)
{
    (void)state;
    YAML_EXPECT("spec: {<<: 1}\n", "doc {spec:{}} !merge-key@1:12\n", "");
    YAML_EXPECT("spec: {a: &a {x: 1}, b: {<<: [*a, 1]}}\n",
                "doc {spec:{a:{x:1},b:{x:1}}} !merge-key@1:35\n", "");
    /* Merged keys never clash with explicit ones or each other. */
    YAML_EXPECT("spec: {a: &a {x: 1}, b: {<<: [*a, *a], x: 2}}\n", "doc {spec:{a:{x:1},b:{x:2}}}\n",
                "");
}

/* ---- limits ---- */

static void test_node_limit(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DOCUMENT_NODES] = 5;
    /* root, spec, the list, 1, 2: five nodes. */
    rec_yaml(&r, "spec: [1, 2]\n---\nspec: [1, 2, 3]\n---\nspec: {a: 1, b: 2}\n");
    assert_string_equal(r.log.s, "doc {spec:[1,2]}\ndoc -\ndoc -\n");
    assert_string_equal(r.diags.s, "limit-nodes@3:14;limit-nodes@5:14;");
    rec_free(&r);
    /* List elements have their own count. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DOCUMENT_NODES] = 6;
    rec_yaml(&r, "kind: List\nitems:\n- [1, 2, 3, 4, 5]\n- [1, 2, 3, 4, 5, 6]\n- [1]\n");
    assert_string_equal(r.log.s,
                        "item [1,2,3,4,5]\nitem [1]\ndoc {kind:List,items:[~streamed~]}\n");
    assert_string_equal(r.diags.s, "limit-nodes@4:19;");
    rec_free(&r);
}

static void test_failures_inside_list_items(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_SCALAR_BYTES] = 5;
    r.limits.v[CONTOUR_LIMIT_DEPTH] = 4;
    rec_yaml(&r, "kind: List\n"
                 "items:\n"
                 "- one\n"
                 "- toolong\n"       /* a scalar element */
                 "- *missing\n"      /* an alias element */
                 "- [a, [b, [c]]]\n" /* too deep, closed later */
                 "- {k: [toolong, x]}\n"
                 "- two\n");
    assert_string_equal(r.log.s, "item one\nitem two\ndoc {kind:List,items:[~streamed~]}\n");
    assert_string_equal(r.diags.s,
                        "limit-scalar@4:3;yaml-alias@5:3;limit-depth@6:11;limit-scalar@7:8;");
    rec_free(&r);
}

static void test_skipped_top_level(void **state)
{
    (void)state;
    /* Fields no reader needs are not built: their key stays, with a placeholder (at the
     * value's position) for the unknown-field warning... */
    YAML_EXPECT("kind: X\nstatus: {a: [1, 2], b: {c: d}}\nspec: 1\n",
                "doc {kind:X,status:~skipped~,spec:1}\n", "");
    JSON_EXPECT("{\"status\": [1, {\"a\": [2]}], \"kind\": \"X\"}",
                "doc {\"status\":~skipped~,\"kind\":\"X\"}\n", "");
    rec r;
    rec_init(&r);
    r.with_pos = true;
    rec_yaml(&r, "kind: X\nfoo:\n  [1, *nope]\nbar: *nope\nbaz: 1\n");
    assert_string_equal(r.log.s, "doc {kind@1:1:X@1:7,foo@2:1:~skipped~@3:3,bar@4:1:~skipped~@4:6,"
                                 "baz@5:1:~skipped~@5:6}@1:1\n");
    assert_string_equal(r.diags.s, "");
    rec_free(&r);
    /* ...repeated, they are not an error (nobody reads them)... */
    YAML_EXPECT("kind: X\nfoo: 1\nfoo: [2]\n", "doc {kind:X,foo:~skipped~,foo:~skipped~}\n", "");
    /* ...except a merge key, which is read like PyYAML's: what it merges becomes top-level
     * keys (built: the merged map is), and a quoted '<<' is an ordinary key. */
    YAML_EXPECT("kind: X\n<<: {a: 1}\n'<<': 2\n", "doc {kind:X,\"<<\":2,a:1}\n", "");
    /* ...but still obey the depth limit... */
    size_t n;
    char *open = rec_repeat("kind: X\nstatus: ", "[", 70, "", &n);
    char *text = rec_repeat(open, "]", 70, "\n", &n);
    rec_init(&r);
    rec_yaml(&r, text);
    assert_string_equal(r.log.s, "doc - kind=X\n");
    assert_string_equal(r.diags.s, "limit-depth@2:72;"); /* the 64th '[' is level 65 */
    rec_free(&r);
    free(open);
    free(text);
    /* ...and the scalar limit. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_SCALAR_BYTES] = 6;
    rec_yaml(&r, "status: {a: toolong}\nspec: 1\n");
    assert_string_equal(r.log.s, "doc -\n");
    assert_string_equal(r.diags.s, "limit-scalar@1:13;");
    rec_free(&r);
    /* Anchors in them are not kept (a later alias to one is an error). */
    YAML_EXPECT("x-common: &c {a: 1}\nspec: *c\n", "doc -\n", "yaml-alias@2:7;");
    YAML_EXPECT("kind: X\nx-common: &c {a: 1}\nfoo: *c\n",
                "doc {kind:X,x-common:~skipped~,foo:~skipped~}\n", "");
}

static void test_kind_of_abandoned_documents(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DEPTH] = 3;
    rec_yaml(&r, "kind: Foo\nspec: [[[1]]]\n"
                 "---\nspec: [[[1]]]\nkind: Bar\n"
                 "---\nkind: Baz\nspec: a: b\n"
                 "---\nkind: [Qux]\nspec: [[[1]]]\n");
    assert_string_equal(r.log.s, "doc - kind=Foo\ndoc -\ndoc - kind=Baz\ndoc -\n");
    assert_string_equal(r.diags.s,
                        "limit-depth@2:9;limit-depth@4:9;yaml-syntax@8:8;limit-depth@11:9;");
    rec_free(&r);
    /* A kind too long to keep is not passed on. */
    size_t n;
    char *text = rec_repeat("kind: ", "K", 200, "\nspec: a: b\n", &n);
    rec_init(&r);
    rec_yaml(&r, text);
    assert_string_equal(r.log.s, "doc -\n");
    rec_free(&r);
    free(text);
    /* JSON too. */
    rec_init(&r);
    rec_json(&r, "{\"kind\": \"Foo\", \"spec\": [1,]}");
    assert_string_equal(r.log.s, "doc - kind=Foo\n");
    rec_free(&r);
}

/* ---- List streaming ---- */

static void test_streaming_rules(void **state)
{
    (void)state;
    /* Only a top-level `items` sequence streams; the handler decides what a List is. */
    YAML_EXPECT("kind: Foo\nitems: [1, 2]\n", "item 1\nitem 2\ndoc {kind:Foo,items:[~streamed~]}\n",
                "");
    YAML_EXPECT("spec: {items: [1]}\n", "doc {spec:{items:[1]}}\n", "");
    YAML_EXPECT("items: {a: 1}\n", "doc {items:{a:1}}\n", "");
    YAML_EXPECT("kind: List\nmetadata: &l [1]\nitems: *l\n",
                "doc {kind:List,metadata:[1],items:[1]}\n", "");
    YAML_EXPECT("- items: [1]\n", "doc [{items:[1]}]\n", "");
    YAML_EXPECT("items: []\nkind: List\n", "doc {items:[~streamed~],kind:List}\n", "");
    /* Pending errors belong to the element or to the document. */
    YAML_EXPECT("kind: List\nitems:\n- {a: 1, a: 2}\n- {b: 1}\nspec: {c: 1, c: 2}\n",
                "item {a:1,a:2} !duplicate-key@3:10\nitem {b:1}\n"
                "doc {kind:List,items:[~streamed~],spec:{c:1,c:2}} !duplicate-key@5:14\n",
                "");
}

static void test_list_memory_flat(void **state)
{
    (void)state;
    /* 30,000 elements of about 10 KB of nodes each: element memory is reused, and no block
     * grows with the number of elements (rewinding one arena would grow its chunks). */
    size_t cap = 30000 * 1200 + 100, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)sprintf(text, "{\"kind\": \"List\", \"items\": [");
    for (int i = 0; i < 30000; i++) {
        len += (size_t)sprintf(text + len, "%s{", i ? "," : "");
        for (int k = 0; k < 80; k++)
            len += (size_t)sprintf(text + len, "%s\"k%d\":%d", k ? "," : "", k, k);
        text[len++] = '}';
    }
    len += (size_t)sprintf(text + len, "]}");
    rec r;
    rec_init(&r);
    r.quiet = true;
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    assert_int_equal(r.items, 30000);
    assert_true(r.alloc_state.largest < 64 * 1024);
    assert_true(r.alloc_state.peak < 256 * 1024);
    rec_free(&r);
    free(text);
}

/* ---- direct calls ---- */

static void test_direct_calls(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    cx_load_ctx ctx = rec_ctx(&r);
    cx_builder *b = cx_builder_new(ctx.alloc, ctx.limits, ctx.file, ctx.sink, ctx.handler);
    assert_non_null(b);
    cx_pos p = {1, 1};
    /* Nothing open: these do nothing, or only report. */
    assert_int_equal(cx_builder_end_document(b), CX_RC_OK);
    assert_int_equal(cx_builder_abandon_document(b), CX_RC_OK);
    assert_false(cx_builder_in_document(b));
    assert_int_equal(cx_builder_fail(b, "yaml-syntax", p, "outside"), CX_RC_OK);
    assert_int_equal(r.docs, 0);

    /* A scalar over the limit is refused by its length, without reading the text. */
    assert_int_equal(cx_builder_begin_document(b, p), CX_RC_OK);
    assert_true(cx_builder_in_document(b));
    assert_int_equal(cx_builder_begin_map(b, p, NULL, 0), CX_RC_OK);
    assert_int_equal(cx_builder_scalar(b, p, CX_TAG_STR, "spec", 4, NULL, 0), CX_RC_OK);
    assert_int_equal(cx_builder_scalar(b, (cx_pos){1, 7}, CX_TAG_STR, "", (size_t)5 << 30, NULL, 0),
                     CX_RC_OK);
    assert_true(cx_builder_failed(b));
    assert_int_equal(cx_builder_end_map(b), CX_RC_OK);
    assert_int_equal(cx_builder_end_document(b), CX_RC_OK);
    assert_false(cx_builder_in_document(b));

    /* Unbalanced events are an internal error, not a crash. */
    assert_int_equal(cx_builder_begin_document(b, p), CX_RC_OK);
    assert_int_equal(cx_builder_end_seq(b), CX_RC_OK);
    assert_int_equal(cx_builder_end_document(b), CX_RC_OK);

    /* A document left open is dropped by the next one. */
    assert_int_equal(cx_builder_begin_document(b, p), CX_RC_OK);
    assert_int_equal(cx_builder_begin_map(b, p, NULL, 0), CX_RC_OK);
    assert_int_equal(cx_builder_begin_document(b, p), CX_RC_OK);
    assert_int_equal(cx_builder_scalar(b, p, CX_TAG_PLAIN, "x", 1, NULL, 0), CX_RC_OK);
    assert_int_equal(cx_builder_end_document(b), CX_RC_OK);
    assert_int_equal(cx_builder_document_count(b), 4);
    cx_builder_free(b);
    cx_builder_free(NULL);
    assert_int_equal(r.alloc_state.live, 0);
    rec_finish(&r);
    assert_string_equal(r.log.s, "doc -\ndoc -\ndoc x\n");
    assert_string_equal(r.diags.s, "yaml-syntax@1:1;limit-scalar@1:7;internal@0:0;");
    assert_string_equal(rec_message(&r, 1),
                        "a scalar of 5368709120 bytes exceeds the limit of 1048576 bytes");
    rec_free(&r);
}

static void test_lookups(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    cx_load_ctx ctx = rec_ctx(&r);
    cx_builder *b = cx_builder_new(ctx.alloc, ctx.limits, ctx.file, ctx.sink, ctx.handler);
    cx_pos p = {1, 1};
    assert_int_equal(cx_builder_begin_document(b, p), CX_RC_OK);
    assert_int_equal(cx_builder_begin_map(b, p, NULL, 0), CX_RC_OK);
    assert_int_equal(cx_builder_scalar(b, p, CX_TAG_PLAIN, "kind", 4, NULL, 0), CX_RC_OK);
    assert_int_equal(cx_builder_scalar(b, p, CX_TAG_PLAIN, "Service", 7, NULL, 0), CX_RC_OK);
    assert_int_equal(cx_builder_end_map(b), CX_RC_OK);
    /* The root is delivered at end_document; look at it through the recorder instead. */
    assert_int_equal(cx_builder_end_document(b), CX_RC_OK);
    cx_builder_free(b);
    assert_string_equal(r.log.s, "doc {kind:Service}\n");
    rec_free(&r);
    /* cx_node_get and cx_node_is on a hand-made tree. */
    cx_node k = {CX_NODE_SCALAR, CX_TAG_PLAIN, 0, 4, 1, {1, 1}, {.str = "kind"}};
    cx_node v = {CX_NODE_SCALAR, CX_TAG_PLAIN, 0, 3, 1, {1, 7}, {.str = "Foo"}};
    cx_pair pair = {&k, &v};
    cx_node m = {CX_NODE_MAP, 0, 0, 1, 3, {1, 1}, {.pairs = &pair}};
    assert_ptr_equal(cx_node_get(&m, "kind"), &v);
    assert_null(cx_node_get(&m, "kin"));
    assert_null(cx_node_get(&v, "kind"));
    assert_null(cx_node_get(NULL, "kind"));
    assert_true(cx_node_is(&v, "Foo"));
    assert_false(cx_node_is(&v, "Fo"));
    assert_false(cx_node_is(&m, "Foo"));
    assert_false(cx_node_is(NULL, "Foo"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_duplicate_keys_big_map),
        cmocka_unit_test(test_repeats_small_and_large_maps),
        cmocka_unit_test(test_complex_keys),
        cmocka_unit_test(test_bad_aliases),
        cmocka_unit_test(test_alias_limit),
        cmocka_unit_test(test_anchors_in_list_items),
        cmocka_unit_test(test_merge_errors),
        cmocka_unit_test(test_node_limit),
        cmocka_unit_test(test_failures_inside_list_items),
        cmocka_unit_test(test_skipped_top_level),
        cmocka_unit_test(test_kind_of_abandoned_documents),
        cmocka_unit_test(test_streaming_rules),
        cmocka_unit_test(test_list_memory_flat),
        cmocka_unit_test(test_direct_calls),
        cmocka_unit_test(test_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
