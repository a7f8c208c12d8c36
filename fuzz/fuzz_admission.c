/* libFuzzer target: AdmissionReview requests from arbitrary bytes (the first byte picks the
 * limits, fuzz_common.h). Checks what admission.h promises:
 *  - parse gives CONTOUR_OK, or CONTOUR_ERR_INVALID / CONTOUR_ERR_LIMIT with a one-line,
 *    valid UTF-8 reason and no request;
 *  - a parsed request's strings are valid UTF-8, its uid 1-256 bytes; the object of a
 *    modelled kind is one JSON object that loads as exactly that kind, namespace and name;
 *  - the answer of a request about a kind not modelled is a valid JSON response echoing
 *    the uid; of a modelled one, a response or (without the what-if engine) a reason;
 *  - contour_admission_review() agrees with parse + answer. */
#include "fuzz_common.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const contour_buffer *b)
{
    const char *s = contour_buffer_data(b);
    size_t n = contour_buffer_size(b);
    FUZZ_CHECK(s != NULL && n > 0 && s[n] == '\0' && strlen(s) == n);
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)s, n));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7F);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    contour_config *cfg = fuzz_config(data[0]);
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    if (!cfg || contour_snapshot_new(&s, cfg) != CONTOUR_OK ||
        contour_resolve(&g, s, NULL) != CONTOUR_OK) {
        contour_snapshot_free(s);
        contour_config_free(cfg);
        return 0;
    }
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    contour_admission_request *r = NULL;
    contour_buffer *out = NULL;
    contour_result st = contour_admission_request_parse(&r, &out, s, text, len);
    contour_result expect = st;
    char *expect_text = NULL;
    if (st != CONTOUR_OK) {
        FUZZ_CHECK(st == CONTOUR_ERR_INVALID || st == CONTOUR_ERR_LIMIT);
        FUZZ_CHECK(r == NULL);
        check_line(out);
    } else {
        const char *uid = contour_admission_request_uid(r);
        FUZZ_CHECK(strlen(uid) >= 1 && strlen(uid) <= 256);
        fuzz_str(uid);
        fuzz_str(contour_admission_request_namespace(r));
        fuzz_str(contour_admission_request_name(r));
        const char *obj = contour_admission_request_object(r);
        size_t obj_len = contour_admission_request_object_size(r);
        FUZZ_CHECK(strlen(obj) == obj_len);
        fuzz_str(obj);
        contour_kind kind = contour_admission_request_kind(r);
        if (kind == CONTOUR_KIND_NONE) {
            FUZZ_CHECK(obj_len == 0);
        } else {
            /* The object loads as what the request says it is. */
            FUZZ_CHECK(obj_len > 0 && obj[0] == '{' && obj[obj_len - 1] == '}');
            contour_snapshot *one = NULL;
            FUZZ_CHECK(contour_snapshot_new(&one, cfg) == CONTOUR_OK);
            FUZZ_CHECK(contour_snapshot_load_buffer(one, "o", 1, obj, obj_len,
                                                    CONTOUR_FORMAT_JSON) == CONTOUR_OK);
            size_t total = 0;
            for (size_t k = 1; k <= contour_kind_count(); k++)
                total += contour_snapshot_object_count(one, (contour_kind)k);
            /* At most one object (an unusable one is a diagnostic, not a second object). */
            FUZZ_CHECK(total <= 1);
            if (total == 1) {
                const char *ns = contour_admission_request_namespace(r);
                const char *name = contour_admission_request_name(r);
                FUZZ_CHECK(contour_snapshot_find(one, kind, ns, strlen(ns), name, strlen(name)) !=
                           NULL);
            }
            contour_snapshot_free(one);
        }
        st = contour_admission_request_answer(&out, r, s, g, NULL);
        expect = st;
        if (st == CONTOUR_OK) {
            fuzz_check_rendering(out, CONTOUR_OUTPUT_JSON);
            FUZZ_CHECK(strncmp(contour_buffer_data(out),
                               "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":"
                               "\"AdmissionReview\",\"response\":{\"uid\":",
                               70) == 0);
        } else {
            FUZZ_CHECK(kind != CONTOUR_KIND_NONE);
            FUZZ_CHECK(st == CONTOUR_ERR_INVALID || st == CONTOUR_ERR_LIMIT);
            check_line(out);
        }
    }
    expect_text = strdup(contour_buffer_data(out));
    contour_buffer_free(out);
    contour_admission_request_free(r);

    /* The one-call form gives the same result and the same bytes. */
    out = NULL;
    st = contour_admission_review(&out, s, g, NULL, text, len);
    FUZZ_CHECK(st == expect);
    FUZZ_CHECK(expect_text && strcmp(contour_buffer_data(out), expect_text) == 0);
    free(expect_text);
    contour_buffer_free(out);

    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    return 0;
}
