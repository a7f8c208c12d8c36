/* gen_cluster N [yaml|json] > out: writes a generated cluster (for tests, fuzz seeds,
 * the bindings' benchmarks). */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000;
    gen_format f = argc > 2 && strcmp(argv[2], "json") == 0 ? GEN_JSON_LIST : GEN_YAML;
    size_t len;
    char *text = gen_cluster(n, f, &len);
    fwrite(text, 1, len, stdout);
    free(text);
    return 0;
}
