/* Escaped output for contourc: the library's one escaping rule (contour_escape), so names
 * and messages from the input cannot forge lines, repaint a terminal or hide text, in any
 * report format. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

bool out_of_memory = false;

/* contour_escape into a buffer: a stack one for the usual short strings. Returns the
 * escaped string (NUL-terminated; `*heap` set when it must be freed), or NULL on OOM. */
static char *escape(const char *s, contour_escape_style style, char *stack, size_t stack_size,
                    char **heap, size_t *len)
{
    size_t n = s ? strlen(s) : 0;
    *heap = NULL;
    *len = contour_escape(stack, stack_size, s, n, style);
    if (*len < stack_size)
        return stack;
    if (*len == SIZE_MAX || !(*heap = malloc(*len + 1))) {
        out_of_memory = true;
        return NULL;
    }
    contour_escape(*heap, *len + 1, s, n, style);
    return *heap;
}

void put_esc(FILE *f, const char *s, contour_escape_style style)
{
    char stack[1024], *heap;
    size_t len;
    const char *e = escape(s, style, stack, sizeof stack, &heap, &len);
    if (e)
        fwrite(e, 1, len, f);
    free(heap);
}

void put_ref(FILE *f, const char *ns, const char *name)
{
    if (ns) {
        put_esc(f, ns, CONTOUR_ESCAPE_NAME);
        fputc('/', f);
    }
    put_esc(f, name, CONTOUR_ESCAPE_NAME);
}

void put_xml(FILE *f, const char *s)
{
    char stack[1024], *heap;
    size_t len;
    const char *e = escape(s, CONTOUR_ESCAPE_TEXT, stack, sizeof stack, &heap, &len);
    for (size_t i = 0; e && i < len; i++) {
        switch (e[i]) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        default:
            fputc(e[i], f);
        }
    }
    free(heap);
}

void put_json_prose(FILE *f, const char *s)
{
    char stack[1024], *heap;
    size_t len;
    const char *e = escape(s, CONTOUR_ESCAPE_TEXT, stack, sizeof stack, &heap, &len);
    if (e)
        put_esc(f, e, CONTOUR_ESCAPE_JSON);
    free(heap);
}
