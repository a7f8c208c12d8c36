/* A plain driver for the fuzz targets: replays files given on the command line (or every
 * file in the directories given) through LLVMFuzzerTestOneInput. Lets `meson test` run
 * the seed corpus and every past finding without libFuzzer.
 *
 *   replay [PATH...] [--prefix HEX... PATH...]
 *
 * A path after --prefix options is replayed once behind each prefix given so far (hex
 * bytes): a target's option bytes in front of plain manifests. Paths before the first
 * --prefix (past findings, which carry their own option bytes) are replayed as they are. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t prefixes[8][16];
static size_t prefix_len[8], nprefixes;

static int parse_prefix(const char *hex)
{
    size_t n = strlen(hex) / 2;
    if (nprefixes == 8 || strlen(hex) % 2 || n > sizeof prefixes[0])
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return 0;
        prefixes[nprefixes][i] = (uint8_t)v;
    }
    prefix_len[nprefixes++] = n;
    return 1;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    size_t room = sizeof prefixes[0];
    uint8_t *buf = malloc(room + (n > 0 ? (size_t)n : 1));
    if (!buf || (n > 0 && fread(buf + room, 1, (size_t)n, f) != (size_t)n)) {
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    if (!nprefixes)
        LLVMFuzzerTestOneInput(buf + room, (size_t)n);
    for (size_t i = 0; i < nprefixes; i++) {
        memcpy(buf + room - prefix_len[i], prefixes[i], prefix_len[i]);
        LLVMFuzzerTestOneInput(buf + room - prefix_len[i], prefix_len[i] + (size_t)n);
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--prefix") == 0) {
            if (i + 1 == argc || !parse_prefix(argv[++i])) {
                fprintf(stderr, "--prefix: at most 8, each up to 16 hex bytes\n");
                return 2;
            }
            continue;
        }
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (!S_ISDIR(sb.st_mode)) {
            rc |= run_file(argv[i]);
            files++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            rc |= run_file(path);
            files++;
        }
        if (d)
            closedir(d);
    }
    printf("replayed %d inputs\n", files);
    return rc;
}
