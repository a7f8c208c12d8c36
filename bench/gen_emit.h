/* A tiny emitter that writes one structure as block YAML or as JSON, for the cluster
 * generators (gen.c, gen_realistic.c). Every function aborts on OOM. */
#ifndef BENCH_GEN_EMIT_H
#define BENCH_GEN_EMIT_H

#include <stddef.h>

typedef struct gen_out {
    char *buf;
    size_t len, cap;
    int json;
    int depth;
    int first[64]; /* JSON: no comma needed yet at this depth */
    int is_seq[64];
    int pending_item; /* YAML: the next key starts a "- " list item */
} gen_out;

/* Starts a stream: YAML documents, or one JSON List whose items are the documents. */
void em_begin(gen_out *o, int json);
/* Ends the stream; returns the malloc'd, NUL-terminated text and its length. */
char *em_finish(gen_out *o, size_t *len);

void em_doc_begin(gen_out *o);
void em_doc_end(gen_out *o);
/* apiVersion, kind and metadata {name, namespace}. */
void em_meta(gen_out *o, const char *api, const char *kind, const char *ns, const char *name);

void em_kv_str(gen_out *o, const char *key, const char *val);
void em_kv_qstr(gen_out *o, const char *key, const char *val); /* quoted in YAML too */
void em_kv_int(gen_out *o, const char *key, long v);
void em_kv_bool(gen_out *o, const char *key, int v);
void em_map(gen_out *o, const char *key); /* `key:` opening a map, closed by em_end */
void em_seq(gen_out *o, const char *key); /* `key:` opening a list, closed by em_end */
void em_item(gen_out *o);                 /* a map as the next list item, closed by em_end */
void em_item_str(gen_out *o, const char *v);
void em_item_qstr(gen_out *o, const char *v); /* quoted in YAML too ("*") */
void em_end(gen_out *o);

/* A Service's spec: type (unless NULL), selector {app}, and its ports. */
typedef struct em_port {
    const char *name;
    long port, target_port; /* target_port 0: none */
    const char *protocol;   /* NULL: none */
} em_port;
void em_service_spec(gen_out *o, const char *type, const char *app, const em_port *ports, size_t n);

#endif
