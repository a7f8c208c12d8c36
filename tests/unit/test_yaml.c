/* The YAML producer (yaml_load.c): events, styles and tags, positions, error recovery,
 * encodings, limits and throughput. */
#include "testutil.h"

#include "load_recorder.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

/* Time bounds are on CPU time and scaled by the machine's measured speed (and relaxed
 * under sanitizers and valgrind): a busy machine does not fail them (testutil.h). */
#define SLOW tu_bound_factor(false)

static double now(void)
{
    return tu_cpu_now();
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- documents and styles ---- */

static void test_multi_document(void **state)
{
    (void)state;
    YAML_EXPECT("spec: 1\n---\nspec: 2\n--- # c\n# between\n\nspec: 3\n...\n---\nspec: 4\n",
                "doc {spec:1}\ndoc {spec:2}\ndoc {spec:3}\ndoc {spec:4}\n", "");
    /* Comments and blank lines before the first document, explicit start. */
    YAML_EXPECT("# head\n\n---\nspec: a\n# tail\n", "doc {spec:a}\n", "");
    /* The values of unknown top-level keys are not built (see test_tree). */
    YAML_EXPECT("kind: X\nfoo: [1]\nspec: y\n", "doc {kind:X,foo:~skipped~,spec:y}\n", "");
}

static void test_empty_inputs(void **state)
{
    (void)state;
    YAML_EXPECT("", "", "");
    rec r0;
    rec_init(&r0);
    assert_int_equal(rec_yaml_n(&r0, NULL, 0), CX_RC_OK);
    assert_int_equal(r0.docs, 0);
    rec_free(&r0);
    YAML_EXPECT("\n\n", "", "");
    YAML_EXPECT("  \n# only a comment\n\n   # another\n", "", "");
    YAML_EXPECT("---\n", "doc -\n", "");
    YAML_EXPECT("---", "doc -\n", "");
    YAML_EXPECT("---\n---\n", "doc -\ndoc -\n", "");
    YAML_EXPECT("--- # nothing\n...\n", "doc -\n", "");
    /* An empty but explicit scalar is a root. */
    YAML_EXPECT("--- ''\n", "doc \"\"\n", "");
    YAML_EXPECT("--- ~\n", "doc ~\n", "");
}

static void test_flow_and_block_positions(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.with_pos = true;
    rec_yaml(&r, "spec:\n"
                 "  block:\n"
                 "    - a\n"
                 "    - {x: 1, y: [2, 3]}\n"
                 "  flow: {k: v}\n");
    assert_string_equal(r.log.s, "doc {spec@1:1:{block@2:3:[a@3:7,{x@4:8:1@4:11,y@4:14:[2@4:18,"
                                 "3@4:21]@4:17}@4:7]@3:5,flow@5:3:{k@5:10:v@5:13}@5:9}@2:3}@1:1\n");
    assert_string_equal(r.diags.s, "");
    rec_free(&r);

    /* Columns count code points, not bytes. */
    rec_init(&r);
    r.with_pos = true;
    rec_yaml(&r, "spec: {\xc3\xa9\xc3\xa9: \xe2\x82\xac, z: \xf0\x9f\x98\x80x}\n");
    assert_string_equal(r.log.s, "doc {spec@1:1:{\xc3\xa9\xc3\xa9@1:8:\xe2\x82\xac@1:12,"
                                 "z@1:15:\xf0\x9f\x98\x80x@1:18}@1:7}@1:1\n");
    rec_free(&r);
}

static void test_block_scalars(void **state)
{
    (void)state;
    YAML_EXPECT("spec:\n"
                "  a: |\n"
                "    x\n"
                "    y\n"
                "\n"
                "  b: |-\n"
                "    x\n"
                "  c: |+\n"
                "    x\n"
                "\n"
                "  d: >\n"
                "    x\n"
                "    y\n"
                "\n"
                "    z\n"
                "  e: >-\n"
                "    x\n"
                "  f: |2\n"
                "      indented\n",
                "doc {spec:{a:\"x\\ny\\n\",b:\"x\",c:\"x\\n\\n\",d:\"x y\\nz\\n\",e:\"x\","
                "f:\"  indented\\n\"}}\n",
                "");
}

static void test_quoted_scalars(void **state)
{
    (void)state;
    YAML_EXPECT("spec:\n"
                "  - \"a\\tb\\u00e9\\x41\\\"\\\\\"\n"
                "  - 'it''s'\n"
                "  - \"one\n"
                "    two\"\n"
                "  - 'three\n"
                "\n"
                "    four'\n"
                "  - \"\\N\\_\\L\\P\\U0001F600\"\n"
                "  - \"\"\n",
                "doc {spec:[\"a\\tb\xc3\xa9"
                "A\\\"\\\\\",\"it's\",\"one two\",\"three\\nfour\",\"\xc2\x85\xc2\xa0\xe2\x80\xa8"
                "\xe2\x80\xa9\xf0\x9f\x98\x80\",\"\"]}\n",
                "");
    /* "\0" decodes to a NUL: the document comes with a pending nul-character error. */
    YAML_EXPECT("spec: [ok, \"a\\0b\"]\n", "doc {spec:[ok,\"a\\0b\"]} !nul-character@1:12\n", "");
}

static void test_explicit_tags(void **state)
{
    (void)state;
    YAML_EXPECT("spec: [!!str 1, !!int \"2\", !!bool yes, !!null ~, !!float 1, ! x, !custom y,\n"
                "  !custom 'z', !!binary aGk=, !<tag:yaml.org,2002:int> 7, !!str, !!map {a: b}]\n",
                "doc {spec:[\"1\",i:2,b:yes,n:~,f:1,\"x\",o:y,o:z,o:aGk=,i:7,\"\",{a:b}]}\n", "");
    /* Tag shorthands declared with %TAG resolve to the core schema too. */
    YAML_EXPECT("%TAG !e! tag:yaml.org,2002:\n---\nspec: [!e!int 3, !e!str 4]\n",
                "doc {spec:[i:3,\"4\"]}\n", "");
}

static void test_anchors_aliases(void **state)
{
    (void)state;
    YAML_EXPECT("spec: {a: &x {b: 1}, c: *x, d: &s str, e: *s, f: &l [1, *s]}\n",
                "doc {spec:{a:{b:1},c:{b:1},d:str,e:str,f:[1,str]}}\n", "");
    /* An anchor may be redefined; aliases see the latest definition. */
    YAML_EXPECT("spec: [&a 1, *a, &a 2, *a]\n", "doc {spec:[1,1,2,2]}\n", "");
    /* Anchors do not survive their document. */
    YAML_EXPECT("spec: &a 1\n---\nspec: *a\n---\nspec: 3\n", "doc {spec:1}\ndoc -\ndoc {spec:3}\n",
                "yaml-alias@3:7;");
}

static void test_merge_keys(void **state)
{
    (void)state;
    YAML_EXPECT("spec:\n"
                "  base: &b {x: 1, y: 2}\n"
                "  other: &o {y: 3, z: 4}\n"
                "  m1: {<<: *b, y: 9}\n"
                "  m2:\n"
                "    <<: [*b, *o]\n"
                "    w: 0\n"
                "  m3: {x: 5, <<: *b}\n"
                "  m4: {'<<': *b}\n",
                "doc {spec:{base:{x:1,y:2},other:{y:3,z:4},m1:{y:9,x:1},m2:{w:0,x:1,y:2,z:4},"
                "m3:{x:5,y:2},m4:{\"<<\":{x:1,y:2}}}}\n",
                "");
}

/* ---- error recovery ---- */

static void test_syntax_error_in_second_of_four(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    rec_yaml(&r, "spec: 1\n---\nspec: a: b\n---\nspec: 3\n---\nspec: 4\n");
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc -\ndoc {spec:3}\ndoc {spec:4}\n");
    assert_string_equal(r.diags.s, "yaml-syntax@3:8;");
    assert_string_equal(rec_message(&r, 0), "mapping values are not allowed in this context");
    rec_free(&r);
}

static void test_several_bad_documents(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    rec_yaml(&r, "spec: 1\n"      /* 1 */
                 "---\n"          /* 2 */
                 "spec: a: b\n"   /* 3 */
                 "---\n"          /* 4 */
                 "spec: [\n"      /* 5 */
                 "---\n"          /* 6: ends the flow sequence: error here */
                 "spec: \"x\n"    /* 7 */
                 "---\n"          /* 8: not allowed in a quoted scalar */
                 "spec: {a: 1]\n" /* 9 */
                 "---\n"          /* 10 */
                 "spec: ok\n");   /* 11 */
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc -\ndoc -\ndoc -\ndoc -\ndoc {spec:ok}\n");
    assert_string_equal(r.diags.s, "yaml-syntax@3:8;yaml-syntax@6:1;yaml-syntax@8:1;"
                                   "yaml-syntax@9:12;");
    assert_string_equal(rec_message(&r, 2), "found unexpected document indicator (while "
                                            "scanning a quoted scalar at line 7, column 7)");
    rec_free(&r);
}

static void test_error_on_marker_line(void **state)
{
    (void)state;
    /* The error is on a `---` line after its first column: that line starts the document in
     * error and must not be taken as the restart point (no second report, no loop). */
    YAML_EXPECT("spec: 1\n--- ]\nspec: 2\n---\nspec: 3\n", "doc {spec:1}\ndoc -\ndoc {spec:3}\n",
                "yaml-syntax@2:5;");
    YAML_EXPECT("--- ]\n--- ]\n--- ]\n", "doc -\ndoc -\ndoc -\n",
                "yaml-syntax@1:5;yaml-syntax@2:5;yaml-syntax@3:5;");
    /* No boundary after the error: the rest is the bad document. */
    YAML_EXPECT("spec: 1\n---\nspec: [\nx: 1\n", "doc {spec:1}\ndoc -\n", "yaml-syntax@5:1;");
}

static void test_error_after_document_end(void **state)
{
    (void)state;
    /* libyaml has already ended the mapping (and the document) when it meets the less
     * indented line; the error still drops the document it is written in. */
    YAML_EXPECT("  spec: x\n bad\n---\nspec: 3\n", "doc -\ndoc {spec:3}\n", "yaml-syntax@2:2;");
    YAML_EXPECT("spec: [1]\n]\n---\nspec: 3\n", "doc -\ndoc {spec:3}\n", "yaml-syntax@2:1;");
}

static void test_document_end_marker(void **state)
{
    (void)state;
    /* A bare document may follow `...` (YAML 1.2; libyaml would want `---`). */
    YAML_EXPECT("spec: 1\n...\nspec: 2\n...\n# c\n\nspec: 3\n",
                "doc {spec:1}\ndoc {spec:2}\ndoc {spec:3}\n", "");
    /* Content on the `...` line itself is an error; the next line starts afresh. */
    YAML_EXPECT("spec: 1\n... junk\nspec: 2\n---\nspec: 3\n",
                "doc {spec:1}\ndoc {spec:2}\ndoc {spec:3}\n", "yaml-syntax@2:5;");
    /* After an error, the line after `...` is a boundary. */
    YAML_EXPECT("spec: [\n...\nspec: 2\n", "doc -\ndoc {spec:2}\n", "yaml-syntax@2:1;");
    YAML_EXPECT("spec: a: b\n...\nspec: 2\n", "doc -\ndoc {spec:2}\n", "yaml-syntax@1:8;");
}

static void test_truncated(void **state)
{
    (void)state;
    YAML_EXPECT("spec: 1\n---\nspec: \"abc", "doc {spec:1}\ndoc -\n", "yaml-syntax@3:11;");
    YAML_EXPECT("spec: [a, b", "doc -\n", "yaml-syntax@1:12;");
    YAML_EXPECT("spec: {a: [b, {c: 'd", "doc -\n", "yaml-syntax@1:21;");
    /* With a final line break the end of the input is the start of the next line. */
    YAML_EXPECT("spec: [a, b\n", "doc -\n", "yaml-syntax@2:1;");
    YAML_EXPECT("spec: [a, b\r\n", "doc -\n", "yaml-syntax@2:1;");
    YAML_EXPECT("spec: [\xc3\xa9", "doc -\n", "yaml-syntax@1:9;");
    YAML_EXPECT("spec: |\n  text\n  more", "doc {spec:\"text\\nmore\"}\n", "");
}

static void test_tabs_and_bad_tokens(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    rec_yaml(&r, "spec:\n\ta: 1\n---\nspec: `x`\n---\nspec: @y\n---\nspec: 4\n");
    assert_string_equal(r.log.s, "doc -\ndoc -\ndoc -\ndoc {spec:4}\n");
    assert_string_equal(r.diags.s, "yaml-syntax@2:1;yaml-syntax@4:7;yaml-syntax@6:7;");
    /* The context is left out when it names the same position. */
    assert_string_equal(rec_message(&r, 0), "found character that cannot start any token");
    rec_free(&r);
}

static void test_errors_deep_in_file(void **state)
{
    (void)state;
    /* Line numbers stay right across restarts far into the input. */
    size_t n;
    char *mid = rec_repeat("spec:\n", "  - item\n", 1000, "  - b: c: d\n", &n);
    size_t total = n + 200;
    char *text = malloc(total);
    assert_non_null(text);
    snprintf(text, total, "spec: 1\n---\n%s---\nspec: [\n---\nspec: \xc3\xa9: x: y\n---\nspec: 5\n",
             mid);
    rec r;
    rec_init(&r);
    rec_yaml(&r, text);
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc -\ndoc -\ndoc -\ndoc {spec:5}\n");
    /* Lines: 1 spec, 2 ---, 3 spec:, 4..1003 items, 1004 the bad item, 1005 ---,
     * 1006 spec: [, 1007 ---, 1008 the bad mapping (columns in code points). */
    assert_string_equal(r.diags.s, "yaml-syntax@1004:9;yaml-syntax@1007:1;"
                                   "yaml-syntax@1008:8;");
    rec_free(&r);
    free(text);
    free(mid);
}

static void test_many_errors_linear(void **state)
{
    (void)state;
    /* 100,000 bad documents: each restart costs what it parses. */
    size_t len;
    char *text = rec_repeat("", "---\n]\n", 100000, "---\nspec: last\n", &len);
    rec r;
    rec_init(&r);
    r.quiet = true;
    double t0 = now();
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    double dt = now() - t0;
    assert_int_equal(r.list.count, 100000);
    assert_int_equal(r.docs, 100001);
    assert_int_equal(r.roots, 1);
    /* About 0.1 s here; reading 16 KiB ahead at every restart took 1.9 s. */
    assert_true(dt < 0.8 * SLOW);
    rec_free(&r);
    free(text);
}

/* ---- encodings and bytes ---- */

static void test_invalid_utf8_and_nul(void **state)
{
    (void)state;
    static const char text[] = "spec: 1\n" /* 1 */
                               "---\n"     /* 2 */
                               "spec: ab\xff"
                               "c\n"                        /* 3 */
                               "---\n"                      /* 4 */
                               "spec: 3\n"                  /* 5 */
                               "---\n"                      /* 6 */
                               "spec: \"x\0y\"\n"           /* 7 */
                               "---\n"                      /* 8 */
                               "spec: \xc3\xa9\xc3\xa9\0\n" /* 9 */
                               "---\n"                      /* 10 */
                               "spec: 5\n";                 /* 11 */
    rec r;
    rec_init(&r);
    assert_int_equal(rec_yaml_n(&r, text, sizeof text - 1), CX_RC_OK);
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc -\ndoc {spec:3}\ndoc -\ndoc -\ndoc {spec:5}\n");
    assert_string_equal(r.diags.s, "invalid-utf8@3:9;nul-byte@7:9;nul-byte@9:9;");
    assert_string_equal(rec_message(&r, 0), "invalid UTF-8");
    assert_string_equal(rec_message(&r, 1), "a NUL byte is not allowed in YAML");
    rec_free(&r);
}

static void test_bad_byte_before_first_read_ends(void **state)
{
    (void)state;
    /* The bad byte is within the first bytes libyaml reads: the documents before it
     * still load (libyaml's own reader would fail them all). */
    static const char text[] = "spec: 1\n---\nspec: 2\n---\nspec: \x80\n---\nspec: 4\n";
    rec r;
    rec_init(&r);
    assert_int_equal(rec_yaml_n(&r, text, sizeof text - 1), CX_RC_OK);
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc {spec:2}\ndoc -\ndoc {spec:4}\n");
    assert_string_equal(r.diags.s, "invalid-utf8@5:7;");
    rec_free(&r);
    /* Overlong, surrogate, truncated and out-of-range sequences. */
    static const char *const bad[] = {"spec: \xc0\xaf\n", "spec: \xed\xa0\x80\n",
                                      "spec: \xe2\x82\n", "spec: \xf4\x90\x80\x80\n",
                                      "spec: \xe2\x82"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rec_init(&r);
        rec_yaml(&r, bad[i]);
        assert_string_equal(r.diags.s, "invalid-utf8@1:7;");
        /* libyaml stops before it starts the implicit document: no callback at all. */
        assert_int_equal(r.roots, 0);
        rec_free(&r);
    }
}

static void test_control_characters(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"spec: a\x01\n", "a control character is not allowed in YAML"},
        {"spec: a\x7f\n", "a control character is not allowed in YAML"},
        {"spec: a\xc2\x80\n", "a control character is not allowed in YAML"},
        {"spec: a\xef\xbf\xbe\n", "a control character is not allowed in YAML"},
        {"spec: a\x1b[0m\n", "a control character is not allowed in YAML"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rec r;
        rec_init(&r);
        rec_yaml(&r, cases[i].text);
        assert_string_equal(r.diags.s, "control-character@1:8;");
        assert_string_equal(rec_message(&r, 0), cases[i].message);
        rec_free(&r);
    }
    /* Characters YAML allows: tab, NEL, non-breaking space, private use, astral. */
    YAML_EXPECT("spec: \"a\tb\xc2\x85"
                "c\xc2\xa0\xee\x80\x80\xf0\x90\x80\x80\"\n",
                "doc {spec:\"a\\tb c\xc2\xa0\xee\x80\x80\xf0\x90\x80\x80\"}\n", "");
}

/* Every ASCII byte at every position within eight-byte words (the validation takes
 * eight bytes at a time): the bad ones are found exactly where they are. */
static void test_every_ascii_byte(void **state)
{
    (void)state;
    for (unsigned b = 0; b < 0x80; b++) {
        bool allowed = b == '\t' || b == '\n' || b == '\r' || (b >= 0x20 && b <= 0x7E);
        for (unsigned at = 0; at < 17; at++) {
            char text[64];
            size_t n = (size_t)snprintf(text, sizeof text, "# %.*s", (int)at, "xxxxxxxxxxxxxxxxx");
            text[n++] = (char)b;
            n += (size_t)snprintf(text + n, sizeof text - n, "yyyyyyyyyyyyyyyy\na: 1\n");
            rec r;
            rec_init(&r);
            assert_int_equal(rec_yaml_n(&r, text, n), CX_RC_OK);
            if (allowed) {
                assert_null(strstr(r.diags.s, "control-character"));
                assert_null(strstr(r.diags.s, "nul-byte"));
            } else {
                char expect[64];
                snprintf(expect, sizeof expect, "%s@1:%u;", b ? "control-character" : "nul-byte",
                         at + 3);
                assert_string_equal(r.diags.s, expect);
            }
            rec_free(&r);
        }
    }
}

static void test_bom_crlf_and_layout(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.with_pos = true;
    rec_yaml(&r, "\xef\xbb\xbfspec: x\n");
    assert_string_equal(r.log.s, "doc {spec@1:1:x@1:7}@1:1\n");
    rec_free(&r);
    YAML_EXPECT("\xef\xbb\xbfspec: a: b\n---\nspec: 2\n", "doc -\ndoc {spec:2}\n",
                "yaml-syntax@1:8;");
    /* A BOM does not make the input UTF-16; a UTF-16 BOM is invalid UTF-8. */
    YAML_EXPECT("\xff\xfes\0p\0", "", "invalid-utf8@1:1;");

    YAML_EXPECT("spec:\r\n  a: 1\r\n---\r\nspec: a: b\r\n---\r\nspec: 3",
                "doc {spec:{a:1}}\ndoc -\ndoc {spec:3}\n", "yaml-syntax@4:8;");
    /* CR alone ends lines too, as in libyaml. */
    YAML_EXPECT("spec: 1\rkind: x\r---\rspec: [\r---\rspec: 3\r",
                "doc {spec:1,kind:x}\ndoc -\ndoc {spec:3}\n", "yaml-syntax@5:1;");
    YAML_EXPECT("spec: x", "doc {spec:x}\n", "");

    rec_init(&r);
    r.with_pos = true;
    rec_yaml(&r, "\n\n\nspec:\n a:\n  - b\n c: d\n");
    assert_string_equal(r.log.s, "doc {spec@4:1:{a@5:2:[b@6:5]@6:3,c@7:2:d@7:5}@5:2}@4:1\n");
    rec_free(&r);
}

static void test_multibyte_across_reads(void **state)
{
    (void)state;
    /* 300 KB of 2-, 3- and 4-byte characters: reads cut sequences anywhere. */
    size_t len;
    char *text = rec_repeat("spec: ", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 30000, "\n", &len);
    rec r;
    rec_init(&r);
    r.quiet = true;
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_int_equal(r.roots, 1);
    assert_string_equal(r.diags.s, "");
    rec_free(&r);
    /* An error after them is at the right column (in code points). */
    text[len - 1] = '\x01';
    rec_init(&r);
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_string_equal(r.diags.s, "control-character@1:90007;");
    rec_free(&r);
    free(text);
}

/* ---- limits ---- */

static void test_billion_laughs(void **state)
{
    (void)state;
    const char *text = "spec:\n"
                       "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                       "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                       "  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                       "  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
                       "---\n"
                       "spec: ok\n";
    rec r;
    rec_init(&r);
    double t0 = now();
    rec_yaml(&r, text);
    assert_true(now() - t0 < 0.1 * SLOW);
    assert_string_equal(r.log.s, "doc -\ndoc {spec:ok}\n");
    /* Aliases add a's 10 nodes 9 times in b (90), b's 91 nodes 9 times in c (909 in all),
     * c's 820 9 times in d (8289): the first *d in e passes 10,000. */
    assert_string_equal(r.diags.s, "limit-alias@6:10;");
    rec_free(&r);
}

static void test_deep_flow(void **state)
{
    (void)state;
    size_t n;
    char *open = rec_repeat("spec: ", "[", 10000, "", &n);
    char *close = rec_repeat(open, "]", 10000, "\n---\nspec: ok\n", &n);
    rec r;
    rec_init(&r);
    rec_yaml(&r, close);
    assert_string_equal(r.log.s, "doc -\ndoc {spec:ok}\n");
    /* The root is level 1, `spec: [` level 2: level 65 is the 64th '['. */
    assert_string_equal(r.diags.s, "limit-depth@1:70;");
    rec_free(&r);
    /* Unclosed: the limit, not a syntax error (the document was given up first). */
    rec_init(&r);
    rec_yaml(&r, open);
    assert_string_equal(r.diags.s, "limit-depth@1:70;");
    rec_free(&r);
    free(open);
    free(close);
}

static void test_deep_block(void **state)
{
    (void)state;
    /* 10,000 nested block mappings, one more space each (50 MB of indentation). */
    size_t total = 10 + 10000 * 4 + (size_t)10000 * 10001 / 2 + 32;
    char *text = malloc(total);
    assert_non_null(text);
    size_t len = 0;
    len += (size_t)sprintf(text + len, "spec:\n");
    for (size_t i = 1; i <= 10000; i++) {
        memset(text + len, ' ', i);
        len += i;
        len += (size_t)sprintf(text + len, "a:\n");
    }
    len += (size_t)sprintf(text + len, "---\nspec: ok\n");
    rec r;
    rec_init(&r);
    double t0 = now();
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_true(now() - t0 < 2.0 * SLOW);
    assert_string_equal(r.log.s, "doc -\ndoc {spec:ok}\n");
    assert_string_equal(r.diags.s, "limit-depth@65:65;");
    rec_free(&r);
    free(text);
}

static void test_deep_list_item(void **state)
{
    (void)state;
    /* Inside a List element the builder only drops the element and goes on; libyaml's own
     * stacks would grow with the nesting, so past the limit + 1024 the document ends. */
    size_t n;
    char *open = rec_repeat("kind: List\nitems:\n- {kind: A}\n- ", "[", 3000, "", &n);
    char *text = rec_repeat(open, "]", 3000, "\n- {kind: B}\n---\nspec: ok\n", &n);
    rec r;
    rec_init(&r);
    rec_yaml(&r, text);
    assert_string_equal(r.log.s, "item {kind:A}\ndoc - kind=List\ndoc {spec:ok}\n");
    /* The root map is level 1, items level 2, so the 63rd '[' is level 65 (column 65) and
     * the 1087th is level 1089. */
    assert_string_equal(r.diags.s, "limit-depth@4:65;limit-depth@4:1089;");
    assert_string_equal(rec_message(&r, 1),
                        "nesting deeper than 1088 levels; the rest of this document is not read");
    rec_free(&r);
    free(open);
    free(text);
}

static void test_huge_scalar(void **state)
{
    (void)state;
    /* 100 MB plain scalar: refused after about the scalar limit, without holding it. */
    size_t size = 100u << 20;
    size_t len;
    char *head = rec_repeat("spec: 1\n---\nspec: ", "", 0, "", &len);
    char *text = malloc(size + 64);
    assert_non_null(text);
    memcpy(text, head, len);
    memset(text + len, 'x', size);
    len += size;
    memcpy(text + len, "\n---\nspec: 3\n", 13);
    len += 13;
    long rss0 = maxrss_kb();
    rec r;
    rec_init(&r);
    double t0 = now();
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    double dt = now() - t0;
    long grown = maxrss_kb() - rss0;
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc -\ndoc {spec:3}\n");
    /* Just after the last event, the key `spec`. */
    assert_string_equal(r.diags.s, "limit-scalar@3:5;");
    assert_string_equal(rec_message(&r, 0),
                        "a scalar or comment longer than the limit of 1048576 bytes");
    assert_true(dt < 1.0 * SLOW);
    assert_true(grown < 16 * 1024); /* KB; about 3-5 MB under valgrind and ASan too */
    assert_true(r.alloc_state.peak < (1u << 20));
    rec_free(&r);
    free(text);
    free(head);
}

static void test_scalar_limit(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_SCALAR_BYTES] = 1000;
    /* Over the limit but within the read window: the builder reports it, at the scalar. */
    size_t len;
    char *text = rec_repeat("spec: 1\n---\nspec: ", "y", 1001, "\n---\nspec: 3\n", &len);
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc -\ndoc {spec:3}\n");
    assert_string_equal(r.diags.s, "limit-scalar@3:7;");
    rec_free(&r);
    free(text);
    /* Exactly at the limit: fine. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_SCALAR_BYTES] = 1000;
    r.quiet = true;
    text = rec_repeat("spec: ", "y", 1000, "\n", &len);
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_int_equal(r.roots, 1);
    assert_string_equal(r.diags.s, "");
    rec_free(&r);
    free(text);
    /* A comment far longer than the limit trips the read window too. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_SCALAR_BYTES] = 1000;
    text = rec_repeat("spec: 1\n---\n# ", "z", 300000, "\nspec: 2\n---\nspec: 3\n", &len);
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc -\ndoc {spec:3}\n");
    assert_string_equal(r.diags.s, "limit-scalar@2:4;");
    rec_free(&r);
    free(text);
    /* A quoted scalar longer than the window, with a `---` line after it. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_SCALAR_BYTES] = 1000;
    text = rec_repeat("spec: [ok, \"", "q ", 200000, "\"]\n---\nspec: 3\n", &len);
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_string_equal(r.log.s, "doc -\ndoc {spec:3}\n");
    assert_string_equal(r.diags.s, "limit-scalar@1:10;"); /* just after `ok` */
    rec_free(&r);
    free(text);
}

static void test_million_documents(void **state)
{
    (void)state;
    size_t len;
    /* Under valgrind, a tenth of the documents (and of the time bound). */
    const int docs = tu_under_valgrind() ? 100000 : 1000000;
    char *text = rec_repeat("", "---\na: 1\n", docs, "", &len);
    rec r;
    rec_init(&r);
    r.quiet = true;
    double t0 = now();
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    double dt = now() - t0;
    assert_int_equal(r.docs, docs);
    assert_int_equal(r.roots, docs);
    assert_string_equal(r.diags.s, "");
    assert_true(dt < 5.0 * SLOW * docs / 1000000);
    rec_free(&r);
    free(text);
}

static void test_repeated_key(void **state)
{
    (void)state;
    size_t len;
    char *text = rec_repeat("spec:\n", "  a: 1\n", 10000, "---\nspec: ok\n", &len);
    rec r;
    rec_init(&r);
    r.quiet = true;
    double t0 = now();
    assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
    assert_true(now() - t0 < 0.5 * SLOW);
    assert_int_equal(r.docs, 2);
    assert_int_equal(r.pendings, 1);
    rec_free(&r);
    /* The pending error names the first repetition. */
    YAML_EXPECT("spec: {a: 1, b: 2, a: 3}\n", "doc {spec:{a:1,b:2,a:3}} !duplicate-key@1:20\n", "");
    free(text);
}

static void test_documents_limit(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DOCUMENTS] = 3;
    rec_yaml(&r, "spec: 1\n---\nspec: 2\n---\nspec: 3\n---\nspec: 4\n---\nspec: 5\n");
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc {spec:2}\ndoc {spec:3}\n");
    assert_string_equal(r.diags.s, "limit-documents@6:1;"); /* the 4th `---` */
    rec_free(&r);
}

static void test_handler_stop(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.stop_at_doc = 2;
    rec_yaml(&r, "spec: 1\n---\nspec: 2\n---\nspec: 3\n");
    assert_string_equal(r.log.s, "doc {spec:1}\ndoc {spec:2}\n");
    assert_string_equal(r.diags.s, "");
    rec_free(&r);
    /* Stopping in a List element abandons the document. */
    rec_init(&r);
    r.stop_at_item = 1;
    rec_yaml(&r, "kind: List\nitems: [{kind: A}, {kind: B}]\n---\nspec: 3\n");
    assert_string_equal(r.log.s, "item {kind:A}\ndoc - kind=List\n");
    rec_free(&r);
}

/* ---- Lists ---- */

static void test_list_streaming(void **state)
{
    (void)state;
    YAML_EXPECT("apiVersion: v1\n"
                "kind: List\n"
                "items:\n"
                "- kind: Service\n"
                "  metadata: {name: a}\n"
                "- kind: Service\n"
                "  metadata: {name: b}\n"
                "- kind: Service\n"
                "  metadata: {name: c}\n",
                "item {kind:Service,metadata:{name:a}}\n"
                "item {kind:Service,metadata:{name:b}}\n"
                "item {kind:Service,metadata:{name:c}}\n"
                "doc {apiVersion:v1,kind:List,items:[~streamed~]}\n",
                "");
}

static void test_list_bad_item(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DEPTH] = 4;
    rec_yaml(&r, "kind: List\n"
                 "items:\n"
                 "- {kind: A}\n"
                 "- {kind: B, spec: {a: {b: 1}}}\n"
                 "- {kind: C, spec: *nope}\n"
                 "- {kind: D}\n");
    assert_string_equal(r.log.s,
                        "item {kind:A}\nitem {kind:D}\ndoc {kind:List,items:[~streamed~]}\n");
    /* root 1, items 2, element 3, spec 4, a 5. */
    assert_string_equal(r.diags.s, "limit-depth@4:23;yaml-alias@5:19;");
    rec_free(&r);
    /* A syntax error inside the List drops the rest of the document. */
    YAML_EXPECT("kind: List\nitems:\n- {kind: A}\n- {kind: B\n---\nspec: 2\n",
                "item {kind:A}\ndoc - kind=List\ndoc {spec:2}\n", "yaml-syntax@5:1;");
}

/* ---- real files ---- */

static size_t check_tree(const char *dir, size_t *docs)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            files += check_tree(path, docs);
            continue;
        }
        size_t n = strlen(e->d_name);
        bool yaml = (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0) ||
                    (n > 4 && strcmp(e->d_name + n - 4, ".yml") == 0) ||
                    (n > 9 && strcmp(e->d_name + n - 9, ".template") == 0);
        if (!yaml)
            continue;
        size_t len;
        char *text = tu_read_file(path, &len);
        rec r;
        rec_init(&r);
        r.quiet = true;
        assert_int_equal(rec_yaml_n(&r, text, len), CX_RC_OK);
        if (r.list.count)
            fail_msg("%s: %s at %u:%u: %s", path, r.list.head->code, r.list.head->pos.line,
                     r.list.head->pos.col, r.list.head->message);
        assert_true(r.roots > 0);
        *docs += r.roots;
        rec_free(&r);
        free(text);
        files++;
    }
    closedir(d);
    return files;
}

static void test_wild_corpus(void **state)
{
    (void)state;
    tu_require_shared("corpus/wild");
    size_t docs = 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", tu_path(tu_shared_root(), "corpus/wild"));
    assert_int_equal(check_tree(dir, &docs), 74);
    snprintf(dir, sizeof dir, "%s", tu_path(tu_shared_root(), "examples"));
    assert_true(check_tree(dir, &docs) >= 20);
    assert_true(docs >= 94);
}

/* ---- out of memory ---- */

static void test_out_of_memory(void **state)
{
    (void)state;
    const char *text = "kind: List\n"
                       "items:\n"
                       "- {kind: A, spec: &x {a: [1, 2]}}\n"
                       "- {kind: B, spec: {<<: *x, b: 3, c: 4, d: 5, a: 6}}\n"
                       "---\n"
                       "spec: a: b\n"
                       "---\n"
                       "spec: {a: 1, a: 2}\n"
                       "---\n" /* more keys than are compared pair by pair: sorted */
                       "spec: {<<: {k1: 0, x: 1}, k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, "
                       "k7: 7, k8: 8, k9: 9, k10: 10, k11: 11, k12: 12, k13: 13, k14: 14, k15: 15, "
                       "k16: 16, k3: 3}\n";
    /* Fail each allocation in turn: every run returns NOMEM with nothing leaked (checked by
     * rec_yaml_n), or succeeds when nothing failed. */
    size_t total = 0;
    for (size_t k = 1;; k++) {
        rec r;
        rec_init(&r);
        r.quiet = true;
        r.alloc_state.fail_at = k;
        cx_rc rc = rec_yaml_n(&r, text, strlen(text));
        bool failed = r.alloc_state.failed > 0;
        total = r.alloc_state.calls;
        rec_free(&r);
        if (!failed) {
            assert_int_equal(rc, CX_RC_OK);
            break;
        }
        assert_int_equal(rc, CX_RC_NOMEM);
        assert_true(k < 10000);
    }
    assert_true(total > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_document),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_flow_and_block_positions),
        cmocka_unit_test(test_block_scalars),
        cmocka_unit_test(test_quoted_scalars),
        cmocka_unit_test(test_explicit_tags),
        cmocka_unit_test(test_anchors_aliases),
        cmocka_unit_test(test_merge_keys),
        cmocka_unit_test(test_syntax_error_in_second_of_four),
        cmocka_unit_test(test_several_bad_documents),
        cmocka_unit_test(test_error_on_marker_line),
        cmocka_unit_test(test_error_after_document_end),
        cmocka_unit_test(test_document_end_marker),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_tabs_and_bad_tokens),
        cmocka_unit_test(test_errors_deep_in_file),
        cmocka_unit_test(test_many_errors_linear),
        cmocka_unit_test(test_invalid_utf8_and_nul),
        cmocka_unit_test(test_bad_byte_before_first_read_ends),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_every_ascii_byte),
        cmocka_unit_test(test_bom_crlf_and_layout),
        cmocka_unit_test(test_multibyte_across_reads),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_deep_flow),
        cmocka_unit_test(test_deep_block),
        cmocka_unit_test(test_deep_list_item),
        cmocka_unit_test(test_huge_scalar),
        cmocka_unit_test(test_scalar_limit),
        cmocka_unit_test(test_million_documents),
        cmocka_unit_test(test_repeated_key),
        cmocka_unit_test(test_documents_limit),
        cmocka_unit_test(test_handler_stop),
        cmocka_unit_test(test_list_streaming),
        cmocka_unit_test(test_list_bad_item),
        cmocka_unit_test(test_wild_corpus),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
