/*
 * export_db.c — copying the sim's DB directory to a real one; see
 * export_db.h.
 */
#include "export_db.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool export_db_check_dir(const char *dir, char *err, size_t cap)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        if (errno == ENOENT) return true;
        snprintf(err, cap, "--export-db %s: %s", dir, strerror(errno));
        return false;
    }
    bool empty = true;
    for (struct dirent *e; empty && (e = readdir(d)) != NULL;)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty) snprintf(err, cap, "--export-db %s: the directory is not empty", dir);
    return empty;
}

typedef struct name_list {
    char **names;
    size_t count, cap;
} name_list;

static void add_name(const char *name, void *arg)
{
    name_list *l = arg;
    if (l->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->names = realloc(l->names, l->cap * sizeof *l->names);
        if (l->names == NULL) abort();
    }
    if ((l->names[l->count++] = strdup(name)) == NULL) abort();
}

/* One file of fs into out; false with err filled. */
static bool copy_file(simfs *fs, const char *from, const char *to, char *err, size_t cap)
{
    simfs_file *f;
    wt_status st = simfs_open(fs, from, PORT_OPEN_READ, &f);
    if (st != WT_OK) {
        snprintf(err, cap, "reading the simulated %s: %s", from, wt_status_name(st));
        return false;
    }
    FILE *out = fopen(to, "wb");
    if (out == NULL) {
        snprintf(err, cap, "--export-db: cannot create %s: %s", to, strerror(errno));
        st = simfs_close(f);
        (void)st; /* the create failure is the error reported */
        return false;
    }
    char buf[65536];
    uint64_t off = 0;
    bool ok = true;
    for (;;) {
        size_t got = 0;
        st = simfs_read(f, off, buf, sizeof buf, &got);
        if (st != WT_OK) {
            snprintf(err, cap, "reading the simulated %s: %s", from, wt_status_name(st));
            ok = false;
            break;
        }
        if (got == 0) break;
        if (fwrite(buf, 1, got, out) != got) {
            snprintf(err, cap, "--export-db: writing %s: %s", to, strerror(errno));
            ok = false;
            break;
        }
        off += got;
    }
    if (fclose(out) != 0 && ok) {
        snprintf(err, cap, "--export-db: writing %s: %s", to, strerror(errno));
        ok = false;
    }
    st = simfs_close(f); /* a read-only handle: nothing to lose */
    (void)st;
    return ok;
}

bool export_db(simfs *fs, const char *src, const char *dir, size_t *files, char *err, size_t cap)
{
    *files = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, cap, "--export-db: cannot create %s: %s", dir, strerror(errno));
        return false;
    }
    name_list l = {0};
    wt_status st = simfs_list(fs, src, add_name, &l);
    bool ok = st == WT_OK;
    if (!ok) snprintf(err, cap, "listing the simulated %s: %s", src, wt_status_name(st));
    for (size_t i = 0; ok && i < l.count; i++) {
        char from[4096], to[4096];
        snprintf(from, sizeof from, "%s/%s", src, l.names[i]);
        snprintf(to, sizeof to, "%s/%s", dir, l.names[i]);
        ok = copy_file(fs, from, to, err, cap);
        *files += ok;
    }
    for (size_t i = 0; i < l.count; i++) free(l.names[i]);
    free(l.names);
    return ok;
}
