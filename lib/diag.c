#include "diag.h"
#include "compare.h"

#include <stdio.h>
#include <string.h>

static const char *dup_or_null(cx_arena *a, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    const char *d = cx_arena_strdup(a, s);
    if (!d)
        *oom = true;
    return d;
}

/* Counts one diagnostic against a budget: false when it must not be recorded, with
 * *out set to the notice (NULL on OOM). */
static bool spend(cx_diag_budget *b, contour_severity severity, const char *file, cx_pos pos,
                  contour_diagnostic **out)
{
    if (b->left) {
        b->left--;
        return true;
    }
    if (!b->notice) {
        char msg[128];
        int n = snprintf(msg, sizeof msg,
                         "more than %zu diagnostics in this input; this one and the rest are "
                         "not reported",
                         b->limit);
        cx_diag_sink notice = {b->notice_arena, b->notice_list, NULL, b->notice_owner};
        cx_objref none = {CONTOUR_KIND_NONE, NULL, NULL};
        b->notice = cx_diag_add(notice, severity, "limit-diagnostics", file, pos, none, NULL, msg,
                                (size_t)n);
    } else if ((uint8_t)severity > b->notice->severity) {
        b->notice->severity = (uint8_t)severity;
    }
    *out = b->notice;
    return false;
}

contour_diagnostic *cx_diag_add(cx_diag_sink sink, contour_severity severity, const char *code,
                                const char *file, cx_pos pos, cx_objref obj, const char *field,
                                const char *message, size_t message_len)
{
    contour_diagnostic *notice;
    if (sink.budget && !spend(sink.budget, severity, file, pos, &notice))
        return notice;
    cx_arena_mark mark = cx_arena_save(sink.arena);
    contour_diagnostic *d = cx_arena_zalloc(sink.arena, sizeof *d);
    if (!d)
        return NULL;
    bool oom = false;
    d->code = code;
    d->owner = sink.owner;
    d->file = file ? file : "";
    d->pos = pos;
    d->severity = (uint8_t)severity;
    d->obj_kind = (uint8_t)obj.kind;
    d->message = cx_arena_strndup(sink.arena, message, message_len);
    oom |= d->message == NULL;
    d->field = dup_or_null(sink.arena, field, &oom);
    d->obj_ns = dup_or_null(sink.arena, obj.ns, &oom);
    d->obj_name = dup_or_null(sink.arena, obj.name, &oom);
    if (oom) {
        cx_arena_rewind(sink.arena, mark);
        return NULL;
    }
    if (sink.list->tail)
        sink.list->tail->next = d;
    else
        sink.list->head = d;
    sink.list->tail = d;
    sink.list->count++;
    return d;
}

contour_diagnostic *cx_diag_copy(cx_diag_sink sink, const contour_diagnostic *d, const char *file)
{
    cx_objref obj = {(contour_kind)d->obj_kind, d->obj_ns, d->obj_name};
    return cx_diag_add(sink, (contour_severity)d->severity, d->code, file, d->pos, obj, d->field,
                       d->message, strlen(d->message));
}

int cx_diag_compare(const contour_diagnostic *a, const contour_diagnostic *b)
{
    int c;
    if ((c = cx_cmp_nullable_str(a->file, b->file)))
        return c;
    if ((c = cx_cmp_i64(a->pos.line, b->pos.line)))
        return c;
    if ((c = cx_cmp_i64(a->pos.col, b->pos.col)))
        return c;
    if ((c = cx_cmp_i64(b->severity, a->severity))) /* errors first */
        return c;
    if ((c = strcmp(a->code, b->code)))
        return c;
    if ((c = strcmp(a->message, b->message)))
        return c;
    if ((c = cx_cmp_i64(a->obj_kind, b->obj_kind)))
        return c;
    if ((c = cx_cmp_nullable_str(a->obj_ns, b->obj_ns)))
        return c;
    if ((c = cx_cmp_nullable_str(a->obj_name, b->obj_name)))
        return c;
    return cx_cmp_nullable_str(a->field, b->field);
}

int cx_diag_ptr_compare(const void *a, const void *b)
{
    return cx_diag_compare(*(const contour_diagnostic *const *)a,
                           *(const contour_diagnostic *const *)b);
}

/* ---- public accessors ---- */

contour_severity contour_diagnostic_severity(const contour_diagnostic *d)
{
    return d ? (contour_severity)d->severity : CONTOUR_SEVERITY_INFO;
}

const char *contour_diagnostic_code(const contour_diagnostic *d)
{
    return d ? d->code : "";
}

const char *contour_diagnostic_message(const contour_diagnostic *d)
{
    return d ? d->message : "";
}

const char *contour_diagnostic_file(const contour_diagnostic *d)
{
    return d ? d->file : "";
}

uint32_t contour_diagnostic_line(const contour_diagnostic *d)
{
    return d ? d->pos.line : 0;
}

uint32_t contour_diagnostic_column(const contour_diagnostic *d)
{
    return d ? d->pos.col : 0;
}

const char *contour_diagnostic_field(const contour_diagnostic *d)
{
    return d ? d->field : NULL;
}

contour_kind contour_diagnostic_object_kind(const contour_diagnostic *d)
{
    return d ? (contour_kind)d->obj_kind : CONTOUR_KIND_NONE;
}

const char *contour_diagnostic_object_namespace(const contour_diagnostic *d)
{
    return d ? d->obj_ns : NULL;
}

const char *contour_diagnostic_object_name(const contour_diagnostic *d)
{
    return d ? d->obj_name : NULL;
}
