/* contour_graph_render() and the contour_buffer it returns. The buffer allocates through the
 * graph's allocator and keeps a copy of it, so it may outlive the graph. */
#include "buffer.h"
#include "filter.h"
#include "graph_model.h"
#include "strbuf.h"
#include "write.h"

struct contour_buffer {
    cx_alloc alloc;
    char *data; /* NUL-terminated; never NULL */
    size_t size;
};

contour_result contour_graph_render(contour_buffer **out, const contour_graph *graph,
                                    contour_output_format format)
{
    return contour_graph_render_filtered(out, graph, format, NULL);
}

contour_result contour_graph_render_filtered(contour_buffer **out, const contour_graph *graph,
                                             contour_output_format format,
                                             const contour_graph_filter *filter)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!graph)
        return CONTOUR_ERR_INVALID;
    bool (*writer)(cx_strbuf *, const cx_view *);
    switch (format) {
    case CONTOUR_OUTPUT_JSON:
        writer = cx_write_json;
        break;
    case CONTOUR_OUTPUT_TEXT:
        writer = cx_write_text;
        break;
    case CONTOUR_OUTPUT_DOT:
        writer = cx_write_dot;
        break;
    default:
        return CONTOUR_ERR_INVALID;
    }

    contour_buffer *buf = cx_malloc(&graph->alloc, sizeof *buf);
    if (!buf)
        return CONTOUR_ERR_NOMEM;
    buf->alloc = graph->alloc;

    cx_strbuf sb;
    cx_strbuf_init(&sb, &buf->alloc);
    cx_view view;
    bool ok = cx_view_init(&view, graph, filter, &buf->alloc);
    /* Reserve up front so even an empty rendering has a NUL-terminated array. */
    ok = ok && cx_strbuf_reserve(&sb, 0) && writer(&sb, &view) && !sb.oom;
    cx_view_release(&view);
    if (!ok) {
        cx_strbuf_release(&sb);
        cx_free(&graph->alloc, buf);
        return CONTOUR_ERR_NOMEM;
    }
    buf->data = sb.data;
    buf->size = sb.len;
    *out = buf;
    return CONTOUR_OK;
}

contour_buffer *cx_buffer_take(const cx_alloc *alloc, cx_strbuf *sb)
{
    contour_buffer *buf = NULL;
    if (!sb->oom && cx_strbuf_reserve(sb, 0))
        buf = cx_malloc(alloc, sizeof *buf);
    if (!buf) {
        cx_strbuf_release(sb);
        return NULL;
    }
    buf->alloc = *alloc;
    buf->data = sb->data;
    buf->size = sb->len;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return buf;
}

const char *contour_buffer_data(const contour_buffer *buffer)
{
    return buffer ? buffer->data : NULL;
}

size_t contour_buffer_size(const contour_buffer *buffer)
{
    return buffer ? buffer->size : 0;
}

void contour_buffer_free(contour_buffer *buffer)
{
    if (!buffer)
        return;
    /* The struct holds the allocator: copy it before the struct goes. */
    cx_alloc alloc = buffer->alloc;
    cx_free(&alloc, buffer->data);
    cx_free(&alloc, buffer);
}
