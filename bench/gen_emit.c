#include "gen_emit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void em_put(gen_out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        while (o->len + n + 1 > o->cap)
            o->cap = o->cap ? o->cap * 2 : 1 << 20;
        o->buf = realloc(o->buf, o->cap);
        if (!o->buf)
            abort();
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

static void em_puts(gen_out *o, const char *s)
{
    em_put(o, s, strlen(s));
}

static void em_printf(gen_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void em_printf(gen_out *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    em_put(o, tmp, (size_t)n);
}

static void em_indent(gen_out *o)
{
    for (int i = 0; i < o->depth - 1; i++)
        em_puts(o, "  ");
}

static void em_json_sep(gen_out *o)
{
    if (!o->first[o->depth])
        em_puts(o, ",");
    o->first[o->depth] = 0;
}

/* YAML: begin a line for `key:` inside the current map. */
static void em_yaml_key(gen_out *o, const char *key)
{
    if (o->pending_item) {
        for (int i = 0; i < o->depth - 2; i++)
            em_puts(o, "  ");
        em_puts(o, "- ");
        o->pending_item = 0;
    } else {
        em_indent(o);
    }
    em_printf(o, "%s:", key);
}

void em_kv_str(gen_out *o, const char *key, const char *val)
{
    if (o->json) {
        em_json_sep(o);
        em_printf(o, "\"%s\":\"%s\"", key, val);
    } else {
        em_yaml_key(o, key);
        em_printf(o, " %s\n", val);
    }
}

void em_kv_qstr(gen_out *o, const char *key, const char *val)
{
    if (o->json) {
        em_kv_str(o, key, val);
    } else {
        em_yaml_key(o, key);
        em_printf(o, " \"%s\"\n", val);
    }
}

void em_kv_int(gen_out *o, const char *key, long v)
{
    if (o->json) {
        em_json_sep(o);
        em_printf(o, "\"%s\":%ld", key, v);
    } else {
        em_yaml_key(o, key);
        em_printf(o, " %ld\n", v);
    }
}

void em_kv_bool(gen_out *o, const char *key, int v)
{
    if (o->json) {
        em_json_sep(o);
        em_printf(o, "\"%s\":%s", key, v ? "true" : "false");
    } else {
        em_yaml_key(o, key);
        em_printf(o, " %s\n", v ? "true" : "false");
    }
}

static void em_open(gen_out *o, const char *key, int seq)
{
    if (o->json) {
        em_json_sep(o);
        em_printf(o, "\"%s\":%s", key, seq ? "[" : "{");
    } else {
        em_yaml_key(o, key);
        em_puts(o, "\n");
    }
    o->depth++;
    o->first[o->depth] = 1;
    o->is_seq[o->depth] = seq;
}

void em_map(gen_out *o, const char *key)
{
    em_open(o, key, 0);
}

void em_seq(gen_out *o, const char *key)
{
    em_open(o, key, 1);
}

/* A map as the next list item. */
void em_item(gen_out *o)
{
    if (o->json) {
        em_json_sep(o);
        em_puts(o, "{");
    } else {
        o->pending_item = 1;
    }
    o->depth++;
    o->first[o->depth] = 1;
    o->is_seq[o->depth] = 0;
}

void em_item_str(gen_out *o, const char *v)
{
    if (o->json) {
        em_json_sep(o);
        em_printf(o, "\"%s\"", v);
    } else {
        for (int i = 0; i < o->depth - 1; i++)
            em_puts(o, "  ");
        em_printf(o, "- %s\n", v);
    }
}

void em_end(gen_out *o)
{
    if (o->json)
        em_puts(o, o->is_seq[o->depth] ? "]" : "}");
    o->depth--;
}

void em_doc_begin(gen_out *o)
{
    if (o->json) {
        em_json_sep(o);
        em_puts(o, "{");
    } else {
        em_puts(o, "---\n");
    }
    o->depth++;
    o->first[o->depth] = 1;
    o->is_seq[o->depth] = 0;
}

void em_doc_end(gen_out *o)
{
    if (o->json)
        em_puts(o, "}\n");
    o->depth--;
}

void em_meta(gen_out *o, const char *api, const char *kind, const char *ns, const char *name)
{
    em_kv_str(o, "apiVersion", api);
    em_kv_str(o, "kind", kind);
    em_map(o, "metadata");
    em_kv_str(o, "name", name);
    em_kv_str(o, "namespace", ns);
    em_end(o);
}

void em_item_qstr(gen_out *o, const char *v)
{
    if (o->json) {
        em_item_str(o, v);
    } else {
        for (int i = 0; i < o->depth - 1; i++)
            em_puts(o, "  ");
        em_printf(o, "- \"%s\"\n", v);
    }
}

void em_begin(gen_out *o, int json)
{
    memset(o, 0, sizeof *o);
    o->json = json;
    if (json) {
        em_puts(o, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n");
        o->depth = 1;
        o->first[1] = 1;
        o->is_seq[1] = 1;
    }
}

char *em_finish(gen_out *o, size_t *len)
{
    if (o->json)
        em_puts(o, "]}\n");
    if (!o->buf)
        em_put(o, "", 0);
    *len = o->len;
    return o->buf;
}

void em_service_spec(gen_out *o, const char *type, const char *app, const em_port *ports, size_t n)
{
    em_map(o, "spec");
    if (type)
        em_kv_str(o, "type", type);
    em_map(o, "selector");
    em_kv_str(o, "app", app);
    em_end(o);
    em_seq(o, "ports");
    for (size_t i = 0; i < n; i++) {
        em_item(o);
        em_kv_str(o, "name", ports[i].name);
        em_kv_int(o, "port", ports[i].port);
        if (ports[i].target_port)
            em_kv_int(o, "targetPort", ports[i].target_port);
        if (ports[i].protocol)
            em_kv_str(o, "protocol", ports[i].protocol);
        em_end(o);
    }
    em_end(o);
    em_end(o);
}
