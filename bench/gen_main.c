/* gen_cluster [--shape units|realistic] [--seed N] N [yaml|json] > out: writes a generated
 * cluster (for tests, fuzz seeds, the bindings' benchmarks, --cluster). */
#include "cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    bench_source src;
    bench_source_init(&src);
    size_t n = 1000;
    gen_format f = GEN_YAML;
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cluster") != 0 && bench_source_option(&src, argc, argv, &i))
            continue;
        if (argv[i][0] == '-' || positional == 2) {
            fprintf(stderr, "usage: gen_cluster [--shape units|realistic] [--seed N] N "
                            "[yaml|json]\n");
            return 2;
        }
        if (positional++ == 0)
            n = (size_t)strtoull(argv[i], NULL, 10);
        else
            f = strcmp(argv[i], "json") == 0 ? GEN_JSON_LIST : GEN_YAML;
    }
    size_t len;
    char *text = gen_cluster_shape(n, &src.shape, f, &len);
    fwrite(text, 1, len, stdout);
    free(text);
    bench_source_free(&src);
    return 0;
}
