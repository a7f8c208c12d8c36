#include "annotations.h"
#include "utf8.h"

#include <string.h>

/* ---- durations ---- */

#define GO_DUR_LIMIT ((uint64_t)1 << 63)

/* Go's leadingInt: [0-9]* as uint64; false on overflow past 1<<63. */
static bool leading_int(const char **s, const char *end, uint64_t *out)
{
    uint64_t x = 0;
    const char *p = *s;
    for (; p < end && *p >= '0' && *p <= '9'; p++) {
        if (x > GO_DUR_LIMIT / 10)
            return false;
        x = x * 10 + (uint64_t)(*p - '0');
        if (x > GO_DUR_LIMIT)
            return false;
    }
    *s = p;
    *out = x;
    return true;
}

/* Go's leadingFraction: [0-9]* as x / scale, ignoring digits that would overflow. */
static void leading_fraction(const char **s, const char *end, uint64_t *x_out, double *scale_out)
{
    uint64_t x = 0;
    double scale = 1;
    bool overflow = false;
    const char *p = *s;
    for (; p < end && *p >= '0' && *p <= '9'; p++) {
        if (overflow)
            continue;
        if (x > (GO_DUR_LIMIT - 1) / 10) {
            overflow = true;
            continue;
        }
        uint64_t y = x * 10 + (uint64_t)(*p - '0');
        if (y > GO_DUR_LIMIT) {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10;
    }
    *s = p;
    *x_out = x;
    *scale_out = scale;
}

static uint64_t unit_ns(const char *u, size_t n)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {
        {"ns", 1},
        {"us", 1000},
        {"\xC2\xB5s", 1000}, /* U+00B5 micro sign */
        {"\xCE\xBCs", 1000}, /* U+03BC Greek small letter mu */
        {"ms", 1000000},
        {"s", 1000000000},
        {"m", 60ull * 1000000000},
        {"h", 3600ull * 1000000000},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
            return units[i].ns;
    }
    return 0;
}

bool cx_go_parse_duration(const char *s, size_t len, int64_t *ns)
{
    const char *p = s, *end = s + len;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    if (end - p == 1 && *p == '0') {
        *ns = 0;
        return true;
    }
    if (p == end)
        return false;
    uint64_t d = 0;
    while (p < end) {
        if (!(*p == '.' || (*p >= '0' && *p <= '9')))
            return false;
        const char *start = p;
        uint64_t v, f = 0;
        double scale = 1;
        if (!leading_int(&p, end, &v))
            return false;
        bool pre = p != start;
        bool post = false;
        if (p < end && *p == '.') {
            p++;
            const char *fs = p;
            leading_fraction(&p, end, &f, &scale);
            post = p != fs;
        }
        if (!pre && !post)
            return false;
        const char *u = p;
        while (p < end && *p != '.' && !(*p >= '0' && *p <= '9'))
            p++;
        if (p == u)
            return false;
        uint64_t unit = unit_ns(u, (size_t)(p - u));
        if (!unit)
            return false;
        if (v > GO_DUR_LIMIT / unit)
            return false;
        v *= unit;
        if (f > 0) {
            /* As Go: float64 keeps fractions of hours nanosecond-accurate. */
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > GO_DUR_LIMIT)
                return false;
        }
        d += v;
        if (d > GO_DUR_LIMIT)
            return false;
    }
    if (neg) {
        *ns = d == GO_DUR_LIMIT ? INT64_MIN : -(int64_t)d;
        return true;
    }
    if (d > GO_DUR_LIMIT - 1)
        return false;
    *ns = (int64_t)d;
    return true;
}

cx_timeout_kind cx_parse_timeout(const char *s, int64_t *ms)
{
    *ms = 0;
    if (!s || !*s)
        return CX_TIMEOUT_UNSET;
    if (strcmp(s, "infinity") == 0) {
        *ms = -1;
        return CX_TIMEOUT_INFINITY;
    }
    int64_t ns;
    if (!cx_go_parse_duration(s, strlen(s), &ns)) {
        *ms = -1;
        return CX_TIMEOUT_INVALID;
    }
    if (ns < 0) {
        *ms = -1;
        return CX_TIMEOUT_NEGATIVE;
    }
    /* Contour reads a zero duration as "not set": the proxy's default applies. Printed as
     * 0 it would switch the timeout off for a consumer that takes it literally. */
    if (ns == 0)
        return CX_TIMEOUT_UNSET;
    *ms = cx_ns_to_ms(ns);
    return CX_TIMEOUT_VALUE;
}

/* ---- path prefixes ---- */

bool cx_path_prefix_matches(const char *path, const char *prefix)
{
    size_t pl = prefix ? strlen(prefix) : 0;
    if (pl == 0)
        return true;
    size_t l = path ? strlen(path) : 0;
    if (l == 0)
        return false;
    size_t npl = cx_norm_path_len(prefix, pl);
    if (npl > cx_norm_path_len(path, l))
        return false;
    for (size_t i = 0; i < npl; i++) {
        if (cx_norm_path_char(path, l, i) != cx_norm_path_char(prefix, pl, i))
            return false;
    }
    return true;
}

void cx_lcp_init(cx_lcp *l)
{
    memset(l, 0, sizeof *l);
}

void cx_lcp_add(cx_lcp *l, const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n == 0) {
        l->has_empty = true;
        return;
    }
    size_t nn = cx_norm_path_len(path, n);
    if (!l->any) {
        l->any = true;
        l->src = path;
        l->src_len = n;
        l->len = nn;
        return;
    }
    size_t lim = l->len < nn ? l->len : nn;
    size_t i = 0;
    while (i < lim && cx_norm_path_char(path, n, i) == cx_norm_path_char(l->src, l->src_len, i))
        i++;
    l->len = i;
}

bool cx_lcp_all_match(const cx_lcp *l, const char *prefix)
{
    size_t pl = prefix ? strlen(prefix) : 0;
    if (pl == 0)
        return true;
    if (l->has_empty)
        return false;
    if (!l->any)
        return true;
    size_t npl = cx_norm_path_len(prefix, pl);
    if (npl > l->len)
        return false;
    for (size_t i = 0; i < npl; i++) {
        if (cx_norm_path_char(prefix, pl, i) != cx_norm_path_char(l->src, l->src_len, i))
            return false;
    }
    return true;
}

/* ---- scalars ---- */

bool cx_parse_uint32(const char *s, uint32_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Go's unicode.IsSpace. */
static bool is_go_space(uint32_t c)
{
    switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

/* Length of the white-space run at the start of s[0..len). */
static size_t space_prefix(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = cx_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (!n || !is_go_space(cp))
            break;
        i += n;
    }
    return i;
}

/* Length of s[0..len) without its trailing white space. */
static size_t trim_right(const char *s, size_t len)
{
    while (len > 0) {
        /* Find the start of the last code point. */
        size_t start = len - 1;
        while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80 && len - start < 4)
            start--;
        uint32_t cp;
        size_t n = cx_utf8_decode((const unsigned char *)s + start, len - start, &cp);
        if (n != len - start || !is_go_space(cp))
            break;
        len = start;
    }
    return len;
}

bool cx_is_blank(const char *s)
{
    if (!s)
        return true;
    size_t len = strlen(s);
    return space_prefix(s, len) == len;
}

const char *cx_min_tls_version(const char *v)
{
    if (v && strcmp(v, "1.3") == 0)
        return "1.3";
    if (v && strcmp(v, "1.2") == 0)
        return "1.2";
    return "1.1";
}

bool cx_list_next(const char **cursor, const char **item, size_t *item_len)
{
    const char *p = *cursor;
    while (p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *next = comma ? comma + 1 : NULL;
        size_t lead = space_prefix(p, len);
        size_t n = trim_right(p + lead, len - lead);
        if (n > 0) {
            *item = p + lead;
            *item_len = n;
            *cursor = next;
            return true;
        }
        p = next;
    }
    *cursor = NULL;
    return false;
}

/* ---- annotations ---- */

const cx_annotation *cx_find_annotation(const contour_object *o, const char *key)
{
    for (uint32_t i = 0; i < o->annotation_count; i++) {
        const cx_annotation *a = &o->annotations[i];
        if (a->key && strcmp(a->key, key) == 0)
            return a;
    }
    return NULL;
}

/* The annotation "<prefix><name>" without building the key. */
static const cx_annotation *find_prefixed(const contour_object *o, const char *prefix,
                                          const char *name)
{
    size_t pl = strlen(prefix);
    for (uint32_t i = 0; i < o->annotation_count; i++) {
        const cx_annotation *a = &o->annotations[i];
        if (a->key && strncmp(a->key, prefix, pl) == 0 && strcmp(a->key + pl, name) == 0)
            return a;
    }
    return NULL;
}

const cx_annotation *cx_compat_annotation(const contour_object *o, const char *name)
{
    const cx_annotation *a = find_prefixed(o, "projectcontour.io/", name);
    return a ? a : find_prefixed(o, "contour.heptio.com/", name);
}

/* Whether s (len bytes) is v in canonical decimal: compared digit by digit from the end,
 * so no buffer is needed. */
static bool str_is_decimal(const char *s, size_t len, int64_t v)
{
    if (len == 0 || len > 20 || v < 0)
        return false;
    uint64_t u = (uint64_t)v;
    size_t i = len;
    do {
        if (i == 0 || s[--i] != (char)('0' + u % 10))
            return false;
        u /= 10;
    } while (u);
    return i == 0;
}

static bool list_has_name(const char *list, const char *name)
{
    if (!name || !*name)
        return false;
    size_t nl = strlen(name);
    const char *cur = list, *item;
    size_t n;
    while (cx_list_next(&cur, &item, &n)) {
        if (n == nl && memcmp(item, name, n) == 0)
            return true;
    }
    return false;
}

static bool list_has_number(const char *list, int64_t number)
{
    const char *cur = list, *item;
    size_t n;
    while (cx_list_next(&cur, &item, &n)) {
        if (str_is_decimal(item, n, number))
            return true;
    }
    return false;
}

const char *cx_upstream_protocol(const contour_object *svc, const char *port_name,
                                 int64_t port_number)
{
    static const char *const keys[][2] = {
        {"contour.heptio.com/upstream-protocol.h2", "h2"},
        {"contour.heptio.com/upstream-protocol.h2c", "h2c"},
        {"projectcontour.io/upstream-protocol.h2", "h2"},
        {"projectcontour.io/upstream-protocol.h2c", "h2c"},
    };
    const char *by_name = NULL, *by_number = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cx_annotation *a = cx_find_annotation(svc, keys[i][0]);
        if (!a || !a->value)
            continue;
        if (list_has_name(a->value, port_name))
            by_name = keys[i][1];
        if (list_has_number(a->value, port_number))
            by_number = keys[i][1];
    }
    return by_name ? by_name : by_number;
}

bool cx_websocket_route(const contour_object *ing, const char *path)
{
    static const char *const keys[] = {"contour.heptio.com/websocket-routes",
                                       "projectcontour.io/websocket-routes"};
    for (size_t i = 0; i < 2; i++) {
        const cx_annotation *a = cx_find_annotation(ing, keys[i]);
        if (a && a->value && list_has_name(a->value, path))
            return true;
    }
    return false;
}

/* ---- ingress class ---- */

static const cx_annotation *class_annotation(const contour_object *o)
{
    const cx_annotation *a = cx_find_annotation(o, "contour.heptio.com/ingress.class");
    return a ? a : cx_find_annotation(o, "kubernetes.io/ingress.class");
}

const char *cx_object_class(const contour_object *o, const cx_annotation **ann)
{
    *ann = NULL;
    const cx_annotation *a = o->class_slot == 0   ? class_annotation(o)
                             : o->class_slot == 1 ? NULL
                                                  : &o->annotations[o->class_slot - 2];
    if (a) {
        *ann = a;
        return a->value ? a->value : "";
    }
    if (o->kind == CONTOUR_KIND_INGRESS && o->u.ing.api == CX_INGRESS_NETWORKING_V1)
        return o->u.ing.class_name;
    return NULL;
}

bool cx_class_accepted(const char *cls, const char *configured)
{
    if (!cls)
        return true;
    if (!configured || !*configured)
        return *cls == '\0' || strcmp(cls, "contour") == 0;
    return strcmp(cls, configured) == 0;
}
