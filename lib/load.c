/*
 * Loading: reading files and directories, running a producer over the bytes, converting
 * each document (and each List item) into an object, and committing the objects to the
 * snapshot in one step. A load call either commits everything it read or, on allocation
 * failure, nothing (the snapshot's diagnostics included).
 */
#include "config_internal.h"
#include "snapshot_internal.h"
#include "stage.h"
#include "strbuf.h"
#include "utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096 /* realpath's buffer (POSIX leaves PATH_MAX optional) */
#endif

/* Everything one public load call adds to a snapshot — new sources with their
 * source-level diagnostics, and the objects staged from them — is a cx_load_txn, committed
 * at the end or, on allocation failure, released: a directory is one transaction, so
 * CONTOUR_ERR_NOMEM leaves the snapshot as it was whatever the number of files. */

/* Commits unless st is CONTOUR_ERR_NOMEM (or the commit itself runs out of memory); then
 * releases. Returns st, or CONTOUR_ERR_NOMEM. */
static contour_result txn_end(contour_snapshot *s, cx_load_txn *t, contour_result st)
{
    if (st != CONTOUR_ERR_NOMEM) {
        contour_result c = cx_snapshot_commit(s, t);
        if (c != CONTOUR_OK)
            st = c;
    }
    cx_load_txn_release(t, &s->alloc);
    return st;
}

/* Adds a source-level diagnostic about a whole input. */
static contour_result source_diag(cx_source *src, contour_severity severity, const char *code,
                                  const char *message)
{
    cx_diag_sink sink = {&src->arena, &src->diags, NULL, &src->rc};
    cx_objref none = {CONTOUR_KIND_NONE, NULL, NULL};
    if (!cx_diag_add(sink, severity, code, src->name, (cx_pos){0, 0}, none, NULL, message,
                     strlen(message)))
        return CONTOUR_ERR_NOMEM;
    return CONTOUR_OK;
}

static contour_result source_error(cx_source *src, const char *code, const char *message)
{
    return source_diag(src, CONTOUR_SEVERITY_ERROR, code, message);
}

/* A new source, held by the transaction. */
static cx_source *add_source(const contour_snapshot *s, cx_load_txn *txn, const char *name,
                             size_t len)
{
    if (!cx_vec_reserve(&txn->sources, 1))
        return NULL;
    cx_source *src = cx_source_new(&s->alloc, name, len);
    if (src)
        cx_vec_push(&txn->sources, &src);
    return src;
}

/* Reads bytes under a source name that has already been validated: their objects are
 * staged in the transaction, their diagnostics added to the snapshot's source lists. */
static contour_result stage_bytes(const contour_snapshot *s, cx_load_txn *txn, const char *name,
                                  size_t name_len, const char *data, size_t len,
                                  contour_format format)
{
    cx_source *src = add_source(s, txn, name, name_len);
    if (!src)
        return CONTOUR_ERR_NOMEM;
    if (len > s->limits.v[CONTOUR_LIMIT_INPUT_BYTES]) {
        char msg[160];
        snprintf(msg, sizeof msg, "input of %zu bytes exceeds the limit of %llu bytes", len,
                 (unsigned long long)s->limits.v[CONTOUR_LIMIT_INPUT_BYTES]);
        contour_result st = source_error(src, "limit-input", msg);
        return st == CONTOUR_OK ? CONTOUR_ERR_LIMIT : st;
    }

    /* Every diagnostic of this input (syntax, limits, rejected documents, the objects'
     * warnings) is counted against one budget. */
    cx_diag_budget budget = {CX_DIAGNOSTICS_PER_INPUT,
                             CX_DIAGNOSTICS_PER_INPUT,
                             &src->arena,
                             &src->diags,
                             &src->rc,
                             NULL};
    cx_diag_sink sink = {&src->arena, &src->diags, &budget, &src->rc};
    cx_stage st;
    cx_stage_init(&st, &s->alloc, s->default_ns, src, sink);

    bool json = format == CONTOUR_FORMAT_JSON ||
                (format == CONTOUR_FORMAT_AUTO && cx_looks_like_json(data, len));
    bool done = false;
    cx_rc rc = CX_RC_OK;
    if (!json) {
        cx_diag_sink out = {&src->arena, &src->diags, NULL, &src->rc};
        rc = cx_stage_yaml_parallel(&st, &s->limits, out, CX_DIAGNOSTICS_PER_INPUT,
                                    s->config.threads, s->config.parallel_min_bytes, data, len,
                                    &done);
    }
    if (rc == CX_RC_OK && !done) {
        cx_load_ctx ctx = {&s->alloc, &s->limits, src->name, sink, cx_stage_handler(&st)};
        rc = json ? cx_json_parse(&ctx, data, len) : cx_yaml_parse(&ctx, data, len);
    }

    contour_result status = CONTOUR_ERR_NOMEM;
    if (rc == CX_RC_OK) {
        cx_stage_finish(&st); /* a List left open at the end of input */
        if (cx_vec_reserve(&txn->objects, st.objects.len)) {
            for (size_t i = 0; i < st.objects.len; i++)
                cx_vec_push(&txn->objects, cx_vec_at(&st.objects, i));
            st.objects.len = 0; /* the transaction owns them now */
            status = CONTOUR_OK;
        }
    }
    cx_stage_release(&st);
    return status;
}

static bool valid_format(contour_format f)
{
    return f == CONTOUR_FORMAT_AUTO || f == CONTOUR_FORMAT_YAML || f == CONTOUR_FORMAT_JSON;
}

contour_result cx_stage_buffer(const contour_snapshot *s, cx_load_txn *txn, const char *name,
                               size_t name_len, const char *data, size_t len, contour_format format)
{
    if (!name || (!data && len) || !valid_format(format) || memchr(name, 0, name_len) ||
        !cx_utf8_valid(name, name_len))
        return CONTOUR_ERR_INVALID;
    return stage_bytes(s, txn, name, name_len, data ? data : "", len, format);
}

contour_result contour_snapshot_load_buffer(contour_snapshot *s, const char *name, size_t name_len,
                                            const char *data, size_t len, contour_format format)
{
    if (!s || !name || (!data && len) || !valid_format(format) || memchr(name, 0, name_len) ||
        !cx_utf8_valid(name, name_len))
        return CONTOUR_ERR_INVALID;
    cx_load_txn txn;
    cx_load_txn_init(&txn, &s->alloc);
    contour_result st = stage_bytes(s, &txn, name, name_len, data ? data : "", len, format);
    return txn_end(s, &txn, st);
}

contour_result contour_snapshot_set_source(contour_snapshot *s, const char *name, size_t name_len,
                                           const char *data, size_t len, contour_format format)
{
    if (!s || !name || (!data && len) || !valid_format(format) || memchr(name, 0, name_len) ||
        !cx_utf8_valid(name, name_len))
        return CONTOUR_ERR_INVALID;
    cx_load_txn txn;
    cx_load_txn_init(&txn, &s->alloc);
    txn.replacing = true;
    txn.replace = name;
    txn.replace_len = name_len;
    contour_result st = stage_bytes(s, &txn, name, name_len, data ? data : "", len, format);
    return txn_end(s, &txn, st);
}

/* ---- files and directories ---- */

/* A path as a source name: paths need not be UTF-8, source names must be. */
static cx_source *add_path_source(contour_snapshot *s, cx_load_txn *txn, const char *path)
{
    size_t plen = strlen(path);
    return cx_utf8_valid(path, plen) ? add_source(s, txn, path, plen)
                                     : add_source(s, txn, "<non-UTF-8 path>", 16);
}

static contour_result io_error(contour_snapshot *s, cx_load_txn *txn, const char *path,
                               const char *what, int err)
{
    cx_strbuf msg;
    cx_strbuf_init(&msg, &s->alloc);
    cx_strbuf_printf(&msg, "cannot %s: %s", what, strerror(err));
    if (msg.oom) {
        cx_strbuf_release(&msg);
        return CONTOUR_ERR_NOMEM;
    }
    cx_source *src = add_path_source(s, txn, path);
    contour_result st = src ? source_error(src, "io-error", msg.data) : CONTOUR_ERR_NOMEM;
    cx_strbuf_release(&msg);
    return st == CONTOUR_OK ? CONTOUR_ERR_IO : st;
}

/* Reads a whole file into memory: at most limit + 1 bytes, so that an oversized file is
 * seen (and refused by stage_bytes) without reading it all. limit + 1 saturates at
 * SIZE_MAX: a limit of UINT64_MAX ("unlimited"), or one past what a size_t can hold on a
 * 32-bit system, means "read to the end" instead of wrapping to a 0-byte buffer. The
 * descriptor is closed. */
static contour_result read_fd(contour_snapshot *s, cx_load_txn *txn, int fd, const char *path,
                              char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    uint64_t limit = s->limits.v[CONTOUR_LIMIT_INPUT_BYTES];
    size_t read_max = limit >= SIZE_MAX ? SIZE_MAX : (size_t)limit + 1;
    size_t cap = 64 * 1024, len = 0;
    if (cap > read_max)
        cap = read_max;
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
        /* One read of the whole file, plus a byte to see its end. st_size < read_max here
         * implies st_size + 1 <= SIZE_MAX. */
        uint64_t size = (uint64_t)sb.st_size;
        cap = size >= read_max ? read_max : (size_t)size + 1;
    }
    char *buf = cx_malloc(&s->alloc, cap);
    if (!buf) {
        close(fd);
        return CONTOUR_ERR_NOMEM;
    }
    for (;;) {
        if (len == cap) {
            if ((uint64_t)len > limit || cap == read_max)
                break;
            size_t ncap = cap > read_max / 2 ? read_max : cap * 2;
            char *p = cx_realloc(&s->alloc, buf, ncap);
            if (!p) {
                cx_free(&s->alloc, buf);
                close(fd);
                return CONTOUR_ERR_NOMEM;
            }
            buf = p;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            cx_free(&s->alloc, buf);
            close(fd);
            return io_error(s, txn, path, "read", err);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    *out = buf;
    *out_len = len;
    return CONTOUR_OK;
}

/* Whether `path` (absolute, resolved) is `root` (absolute, resolved) or below it. */
static bool path_under(const char *path, const char *root)
{
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    if (rl == 1 && root[0] == '/')
        return path[0] == '/';
    return strncmp(path, root, rl) == 0 && (path[rl] == '\0' || path[rl] == '/');
}

/* Where an open descriptor really leads, through /proc: what was opened, whatever was
 * renamed or relinked since the path was checked. False where /proc is not mounted. */
static bool fd_path(int fd, char *out, size_t size)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    out[n] = '\0';
    return true;
}

/* A file found by walking a directory leads outside it: skipped with a warning that says
 * why, never opened (so neither its content nor its target's name is shown). */
static contour_result link_outside(contour_snapshot *s, cx_load_txn *txn, const char *path,
                                   bool dir)
{
    cx_source *src = add_path_source(s, txn, path);
    if (!src)
        return CONTOUR_ERR_NOMEM;
    return source_diag(src, CONTOUR_SEVERITY_WARNING, "link-outside",
                       dir ? "not followed: a symbolic link to a directory outside the directory "
                             "being loaded (contour_config_set_follow_links allows it)"
                           : "not read: a symbolic link to a file outside the directory being "
                             "loaded (contour_config_set_follow_links allows it)");
}

/* Opens a file found by walking the directory whose resolved path is `root`: unless the
 * snapshot follows links, the file must resolve to a place under root, checked before it
 * is opened (nothing outside is even opened: a FIFO or a device there could block or have
 * effects) and again on the open descriptor (closing the gap between the check and the
 * open, where /proc shows what a descriptor is). *skipped tells a file left alone, with a
 * warning. O_NONBLOCK: a FIFO put in the tree does not hang the load; only regular files
 * are read. */
static contour_result open_walked(contour_snapshot *s, cx_load_txn *txn, const char *path,
                                  const char *root, int *out_fd, bool *skipped)
{
    *out_fd = -1;
    *skipped = false;
    char real[PATH_MAX];
    bool confine = !s->config.follow_links;
    if (confine && realpath(path, real) && !path_under(real, root)) {
        *skipped = true;
        return link_outside(s, txn, path, false);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return io_error(s, txn, path, "open", errno);
    if (confine && fd_path(fd, real, sizeof real) && !path_under(real, root)) {
        close(fd);
        *skipped = true;
        return link_outside(s, txn, path, false);
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return io_error(s, txn, path, "read a file that is not a regular file", EINVAL);
    }
    *out_fd = fd;
    return CONTOUR_OK;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n > k && memcmp(s + n - k, suffix, k) == 0;
}

/* A file's format from its name, as kubectl decides: .json is JSON, .yaml and .yml are
 * YAML (a YAML stream may hold flow-style documents that start with '{'); other names are
 * left to detection by content. */
static contour_format format_by_name(const char *path, size_t n)
{
    if (ends_with(path, n, ".json"))
        return CONTOUR_FORMAT_JSON;
    if (ends_with(path, n, ".yaml") || ends_with(path, n, ".yml"))
        return CONTOUR_FORMAT_YAML;
    return CONTOUR_FORMAT_AUTO;
}

/* Loads a file: one named by the caller (root NULL: always read, link or not) or one found
 * by walking the directory whose resolved path is root (see open_walked). */
static contour_result load_file(contour_snapshot *s, cx_load_txn *txn, const char *path,
                                const char *root, contour_format format)
{
    int fd = -1;
    if (root) {
        bool skipped;
        contour_result st = open_walked(s, txn, path, root, &fd, &skipped);
        if (st != CONTOUR_OK || skipped)
            return st;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return io_error(s, txn, path, "open", errno);
    }
    char *data;
    size_t len;
    contour_result st = read_fd(s, txn, fd, path, &data, &len);
    if (st != CONTOUR_OK)
        return st;
    size_t plen = strlen(path);
    if (format == CONTOUR_FORMAT_AUTO)
        format = format_by_name(path, plen);
    if (cx_utf8_valid(path, plen))
        st = stage_bytes(s, txn, path, plen, data, len, format);
    else
        st = stage_bytes(s, txn, "<non-UTF-8 path>", 16, data, len, format);
    cx_free(&s->alloc, data);
    return st;
}

static bool wanted_file(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int path_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join_path(const cx_alloc *a, const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name), total;
    if (!cx_size_add(dl, nl, &total) || !cx_size_add(total, 2, &total))
        return NULL;
    char *p = cx_malloc(a, total);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    size_t at = dl;
    if (dl && dir[dl - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, nl + 1);
    return p;
}

static void free_paths(const cx_alloc *a, cx_vec *v)
{
    for (size_t i = 0; i < v->len; i++)
        cx_free(a, *(char **)cx_vec_at(v, i));
    cx_vec_release(v);
}

/* Classifies a symbolic link met while walking: a link to a wanted file is collected
 * (open_walked checks it again when it is opened); a link to a directory is never followed
 * (no cycles). Unless the snapshot follows links, one that leads outside `real_root` is
 * reported with a warning instead. A dangling link is collected: loading it says why it
 * cannot be read. */
static contour_result classify_link(contour_snapshot *s, cx_load_txn *txn, const char *path,
                                    const char *name, const char *real_root, bool *is_file)
{
    char real[PATH_MAX];
    struct stat sb;
    bool resolved = realpath(path, real) != NULL;
    bool is_dir = resolved && stat(real, &sb) == 0 && S_ISDIR(sb.st_mode);
    *is_file = !is_dir && wanted_file(name);
    if (s->config.follow_links || !resolved || path_under(real, real_root))
        return CONTOUR_OK;
    if (!is_dir && !*is_file)
        return CONTOUR_OK; /* not a manifest by its name: it would not be read anyway */
    *is_file = false;
    return link_outside(s, txn, path, is_dir);
}

/* Collects the wanted files under `root` (resolved: `real_root`) with an explicit stack of
 * directories. Symbolic links to directories are not followed, so there are no cycles;
 * depth is bounded. */
static contour_result collect_files(contour_snapshot *s, cx_load_txn *txn, const char *root,
                                    const char *real_root, cx_vec *files, bool *io_failed)
{
    const cx_alloc *a = &s->alloc;
    cx_vec dirs;
    cx_vec_init(&dirs, a, sizeof(char *));
    char *first = join_path(a, root, "");
    if (!first || !cx_vec_push(&dirs, &first)) {
        cx_free(a, first);
        cx_vec_release(&dirs);
        return CONTOUR_ERR_NOMEM;
    }
    contour_result st = CONTOUR_OK;
    while (dirs.len && st == CONTOUR_OK) {
        char *dir = *(char **)cx_vec_at(&dirs, --dirs.len);
        DIR *d = opendir(dir);
        if (!d) {
            contour_result e = io_error(s, txn, dir, "open directory", errno);
            if (e == CONTOUR_ERR_IO)
                *io_failed = true;
            else
                st = e;
            cx_free(a, dir);
            continue;
        }
        struct dirent *ent;
        while (st == CONTOUR_OK && (ent = readdir(d)) != NULL) {
            if (ent->d_name[0] == '.')
                continue;
            char *path = join_path(a, dir, ent->d_name);
            if (!path) {
                st = CONTOUR_ERR_NOMEM;
                break;
            }
            struct stat sb;
            bool is_dir = false, is_file = false;
            if (lstat(path, &sb) != 0) {
                is_file = wanted_file(ent->d_name); /* vanished: loading it reports why */
            } else if (S_ISLNK(sb.st_mode)) {
                st = classify_link(s, txn, path, ent->d_name, real_root, &is_file);
            } else {
                is_dir = S_ISDIR(sb.st_mode);
                is_file = S_ISREG(sb.st_mode) && wanted_file(ent->d_name);
            }
            if (st != CONTOUR_OK) {
                /* path is freed below */
            } else if (is_dir && !cx_vec_push(&dirs, &path)) {
                st = CONTOUR_ERR_NOMEM;
            } else if (is_file) {
                if (!cx_vec_push(files, &path))
                    st = CONTOUR_ERR_NOMEM;
            } else if (!is_dir) {
                cx_free(a, path);
                path = NULL;
            }
            if (st != CONTOUR_OK)
                cx_free(a, path);
        }
        closedir(d);
        cx_free(a, dir);
    }
    free_paths(a, &dirs);
    return st;
}

contour_result contour_snapshot_load_path(contour_snapshot *s, const char *path,
                                          contour_format format)
{
    if (!s || !path || !*path || !valid_format(format))
        return CONTOUR_ERR_INVALID;
    cx_load_txn txn;
    cx_load_txn_init(&txn, &s->alloc);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return txn_end(s, &txn, io_error(s, &txn, path, "open", errno));
    if (!S_ISDIR(sb.st_mode))
        return txn_end(s, &txn, load_file(s, &txn, path, NULL, format));
    /* What "inside the directory" means for the links found in it. */
    char real_root[PATH_MAX];
    if (!realpath(path, real_root))
        return txn_end(s, &txn, io_error(s, &txn, path, "open directory", errno));

    cx_vec files;
    cx_vec_init(&files, &s->alloc, sizeof(char *));
    bool io_failed = false, over_limit = false;
    contour_result st = collect_files(s, &txn, path, real_root, &files, &io_failed);
    if (st == CONTOUR_OK && files.len > 1)
        qsort(files.data, files.len, sizeof(char *), path_compare);
    for (size_t i = 0; st == CONTOUR_OK && i < files.len; i++) {
        contour_result fs = load_file(s, &txn, *(char **)cx_vec_at(&files, i), real_root, format);
        if (fs == CONTOUR_ERR_IO)
            io_failed = true;
        else if (fs == CONTOUR_ERR_LIMIT)
            over_limit = true;
        else
            st = fs;
    }
    free_paths(&s->alloc, &files);
    if (st == CONTOUR_OK)
        st = io_failed ? CONTOUR_ERR_IO : over_limit ? CONTOUR_ERR_LIMIT : CONTOUR_OK;
    return txn_end(s, &txn, st);
}
