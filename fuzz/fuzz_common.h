/* Shared by the fuzz targets: the first input byte picks options, the rest is the input. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <contour/contour.h>
#include <stddef.h>
#include <stdint.h>

/* Small limits make the fuzzer reach them; the option byte varies the config. */
static inline contour_config *fuzz_config(uint8_t opt)
{
    contour_config *c = NULL;
    if (contour_config_new(&c) != CONTOUR_OK)
        return NULL;
    contour_config_set_limit(c, CONTOUR_LIMIT_DEPTH, (opt & 1) ? 8 : 64);
    contour_config_set_limit(c, CONTOUR_LIMIT_ALIAS_EXPANSION, (opt & 2) ? 16 : 10000);
    contour_config_set_limit(c, CONTOUR_LIMIT_SCALAR_BYTES, (opt & 4) ? 64 : 1 << 20);
    contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENTS, (opt & 8) ? 4 : 100000);
    contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENT_NODES, (opt & 16) ? 256 : 100000);
    if (opt & 32)
        contour_config_add_root_namespace(c, "default", 7);
    if (opt & 64)
        contour_config_set_ingress_class(c, "", 0);
    return c;
}

#endif
