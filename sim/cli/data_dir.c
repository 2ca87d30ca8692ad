/*
 * data_dir.c — where wtlab's data is: the scenarios, the lessons and
 * their pages, the charts the pages show (meson installs them under
 * DATADIR/wtlab/, laid out as in the source tree: scenarios/,
 * scenarios/lessons/, plots/, traces/).
 *
 * In order:
 *  1. $WTLAB_DATA, when set and not empty;
 *  2. the source tree, when this binary is a build directory's (its path,
 *     from /proc/self/exe, is under the build root it was compiled in):
 *     there the data is edited, and must be seen without installing;
 *  3. share/wtlab relative to the binary (bin/../share/wtlab for the
 *     default layout), so an installed tree works wherever it is put,
 *     including a DESTDIR staging tree;
 *  4. the install prefix's DATADIR/wtlab (a binary copied elsewhere).
 * The answer is computed once; the CLI is single-threaded when it asks.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#if !defined(WTLAB_SOURCE_DIR) || !defined(WTLAB_BUILD_ROOT) || !defined(WTLAB_BIN_TO_DATA) || \
    !defined(WTLAB_INSTALL_DATA)
#error "sim/cli/meson.build passes WTLAB_SOURCE_DIR, WTLAB_BUILD_ROOT, WTLAB_BIN_TO_DATA, WTLAB_INSTALL_DATA"
#endif

/* True when path is dir itself or below it (both canonical). */
static bool path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Fills dir from the running binary's path; false when it is unknown. */
static bool data_dir_from_exe(char *dir, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return false;
    exe[n] = '\0';
    char build_root[PATH_MAX];
    if (realpath(WTLAB_BUILD_ROOT, build_root) != NULL && path_under(exe, build_root)) {
        snprintf(dir, cap, "%s", WTLAB_SOURCE_DIR);
        return true;
    }
    char *slash = strrchr(exe, '/');
    if (slash == NULL) return false;
    *slash = '\0';
    char joined[PATH_MAX + 64];
    int len = snprintf(joined, sizeof joined, "%s/%s", exe, WTLAB_BIN_TO_DATA);
    char resolved[PATH_MAX];
    if (len <= 0 || (size_t)len >= sizeof joined || !is_dir(joined) ||
        realpath(joined, resolved) == NULL)
        return false;
    snprintf(dir, cap, "%s", resolved);
    return true;
}

const char *cli_data_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0] != '\0') return dir;
    const char *env = getenv("WTLAB_DATA");
    if (env != NULL && *env != '\0') snprintf(dir, sizeof dir, "%s", env);
    else if (!data_dir_from_exe(dir, sizeof dir)) snprintf(dir, sizeof dir, "%s", WTLAB_INSTALL_DATA);
    return dir;
}
