/* contour_graph_render(), contour_graph_write() and the contour_buffer render returns. Both
 * run the same writer (write.h) over the same view: render into a buffer that grows and
 * keeps everything, write into a streaming one (strbuf.h) that holds one chunk and hands
 * it to the caller's callback whenever it is full, so the bytes are the same. The buffer
 * allocates through the graph's allocator and keeps a copy of it, so it may outlive the
 * graph. */
#include "buffer.h"
#include "filter.h"
#include "graph_model.h"
#include "strbuf.h"
#include "write.h"

/* The most contour_graph_write() hands its callback at once (graph.h promises 64 KiB). */

struct contour_buffer {
    cx_alloc alloc;
    char *data; /* NUL-terminated; never NULL */
    size_t size;
};

typedef bool (*cx_writer)(cx_strbuf *, const cx_view *);

/* The writer of a format, or NULL for an unknown one. */
static cx_writer writer_of(contour_output_format format)
{
    switch (format) {
    case CONTOUR_OUTPUT_JSON:
        return cx_write_json;
    case CONTOUR_OUTPUT_TEXT:
        return cx_write_text;
    case CONTOUR_OUTPUT_DOT:
        return cx_write_dot;
    }
    return NULL;
}

/* Renders what filter selects of graph into sb, plain or streaming, and flushes it. Every
 * allocation (the view; the DOT writer's node lists) is made before the first byte is
 * written, so a streaming buffer's sink is never called on the way to an OOM. False on
 * OOM or when the sink stopped. */
static bool render_into(cx_strbuf *sb, const contour_graph *graph, cx_writer writer,
                        const contour_graph_filter *filter, const cx_alloc *alloc)
{
    cx_view view;
    bool ok = cx_view_init(&view, graph, filter, alloc);
    /* Reserve up front so even an empty rendering has a NUL-terminated array. */
    ok = ok && cx_strbuf_reserve(sb, 0) && writer(sb, &view) && cx_strbuf_flush(sb);
    cx_view_release(&view);
    return ok;
}

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
    cx_writer writer = writer_of(format);
    if (!graph || !writer)
        return CONTOUR_ERR_INVALID;

    contour_buffer *buf = cx_malloc(&graph->alloc, sizeof *buf);
    if (!buf)
        return CONTOUR_ERR_NOMEM;
    buf->alloc = graph->alloc;

    cx_strbuf sb;
    cx_strbuf_init(&sb, &buf->alloc);
    if (!render_into(&sb, graph, writer, filter, &buf->alloc)) {
        cx_strbuf_release(&sb);
        cx_free(&graph->alloc, buf);
        return CONTOUR_ERR_NOMEM;
    }
    buf->data = sb.data;
    buf->size = sb.len;
    *out = buf;
    return CONTOUR_OK;
}

contour_result contour_graph_write(const contour_graph *graph, contour_output_format format,
                                   const contour_graph_filter *filter, contour_write_fn write_fn,
                                   void *user_data)
{
    cx_writer writer = writer_of(format);
    if (!graph || !writer || !write_fn)
        return CONTOUR_ERR_INVALID;
    cx_strbuf_sink sink = {write_fn, user_data, CX_WRITE_CHUNK, false};
    cx_strbuf sb;
    if (!cx_strbuf_init_sink(&sb, &graph->alloc, &sink))
        return CONTOUR_ERR_NOMEM;
    bool ok = render_into(&sb, graph, writer, filter, &graph->alloc);
    cx_strbuf_release(&sb);
    if (ok)
        return CONTOUR_OK;
    return sink.stopped ? CONTOUR_ERR_IO : CONTOUR_ERR_NOMEM;
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
