/*
 * port_pthread.c — port.h over POSIX threads, Linux futexes and POSIX files.
 *
 * Atomics, pause, sync points and events are inline (pthread/port_arch_fast.h);
 * this file holds everything that makes a system call (the trace recorder
 * is port_pthread_trace.c).  Thread safety: every function may be called
 * from any thread; the only process-wide state is the thread-id counter and
 * the test fault plan, both atomics.
 */
#define _GNU_SOURCE
#include "port.h"
#include "port_pthread.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ thread ids */

static _Atomic uint32_t next_thread_id;
static _Thread_local uint32_t my_thread_id_plus_one;
static _Thread_local uint64_t my_random_state;

uint32_t port_thread_id(void)
{
    if (my_thread_id_plus_one == 0)
        my_thread_id_plus_one = atomic_fetch_add_explicit(&next_thread_id, 1,
                                                          memory_order_relaxed) + 1;
    return my_thread_id_plus_one - 1;
}

uint32_t port_random_u32(void)
{
    if (my_random_state == 0) /* splitmix64 of the thread id: never 0 after */
        my_random_state = 0x9e3779b97f4a7c15ull * (port_thread_id() + 1) | 1;
    uint64_t x = my_random_state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    my_random_state = x;
    return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

/* --------------------------------------------------------------- asserts */

void port_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "wtlab: assertion failed: %s (%s:%d)\n", expr, file, line);
    fflush(stderr);
    abort();
}

/* ---------------------------------------------------------------- memory */

/* Allocations of at least this many bytes (the memtable's arena blocks)
 * are aligned to a huge page and marked MADV_HUGEPAGE: the skiplist is
 * searched at random over tens of MiB, and with 4 KiB pages nearly every
 * node visited is a TLB miss as well as a cache miss (a nested page walk
 * under a hypervisor).  Best effort: without transparent huge pages the
 * memory is ordinary.  free() and realloc() accept posix_memalign memory. */
enum { PORT_HUGE_PAGE_BYTES = 2u << 20, PORT_HUGE_ALLOC_MIN = 4u << 20 };

void *port_alloc(size_t n)
{
    void *p = NULL;
    if (n >= PORT_HUGE_ALLOC_MIN) {
        if (posix_memalign(&p, PORT_HUGE_PAGE_BYTES, n) != 0) p = NULL;
        if (p != NULL) (void)madvise(p, n & ~(size_t)(PORT_HUGE_PAGE_BYTES - 1), MADV_HUGEPAGE);
    } else {
        p = malloc(n ? n : 1);
    }
    if (p == NULL) port_assert_fail("out of memory", __FILE__, __LINE__);
    return p;
}

void *port_alloc_zeroed(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (p == NULL) port_assert_fail("out of memory", __FILE__, __LINE__);
    return p;
}

void *port_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) port_assert_fail("out of memory", __FILE__, __LINE__);
    return q;
}

void port_free(void *p) { free(p); }

/* ---------------------------------------------------------- spin, futex */

void port_yield(void) { sched_yield(); }

uint32_t port_cpu_hint(void)
{
    int c = sched_getcpu();
    return c >= 0 ? (uint32_t)c : 0;
}

void port_park(port_atomic_u32 *word, uint32_t expected, const char *what)
{
    (void)what;
    /* EAGAIN (value changed), EINTR and spurious wake-ups all just return. */
    syscall(SYS_futex, (uint32_t *)&word->v, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

void port_park_until(port_atomic_u32 *word, uint32_t expected, uint64_t deadline_ns,
                     const char *what)
{
    (void)what;
    static _Thread_local bool slack_set;
    if (!slack_set) {
        slack_set = true;
        (void)prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL); /* best effort */
    }
    if (port_now_ns() >= deadline_ns) return;
    /* An absolute CLOCK_MONOTONIC deadline (the clock of port_now_ns).
     * ETIMEDOUT, EAGAIN, EINTR and spurious wake-ups all just return. */
    struct timespec ts = {(time_t)(deadline_ns / 1000000000ull),
                          (long)(deadline_ns % 1000000000ull)};
    syscall(SYS_futex, (uint32_t *)&word->v, FUTEX_WAIT_BITSET_PRIVATE, expected, &ts, NULL,
            FUTEX_BITSET_MATCH_ANY);
}

void port_unpark(port_atomic_u32 *word)
{
    syscall(SYS_futex, (uint32_t *)&word->v, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* -------------------------------------------------------- mutex, condvar */

void port_mutex_init(port_mutex *m, const char *name)
{
    int rc = pthread_mutex_init(&m->m, NULL);
    if (rc != 0) port_assert_fail("pthread_mutex_init", __FILE__, __LINE__);
    atomic_init(&m->owner, 0);
    m->name = name;
}

void port_mutex_destroy(port_mutex *m)
{
    int rc = pthread_mutex_destroy(&m->m);
    if (rc != 0) port_assert_fail("pthread_mutex_destroy", __FILE__, __LINE__);
}

void port_mutex_lock(port_mutex *m)
{
    if (pthread_mutex_lock(&m->m) != 0) port_assert_fail("pthread_mutex_lock", __FILE__, __LINE__);
    atomic_store_explicit(&m->owner, port_thread_id() + 1, memory_order_relaxed);
}

void port_mutex_unlock(port_mutex *m)
{
    if (atomic_load_explicit(&m->owner, memory_order_relaxed) != port_thread_id() + 1)
        port_assert_fail("mutex unlocked by a thread that does not hold it", __FILE__, __LINE__);
    atomic_store_explicit(&m->owner, 0, memory_order_relaxed);
    if (pthread_mutex_unlock(&m->m) != 0)
        port_assert_fail("pthread_mutex_unlock", __FILE__, __LINE__);
}

void port_mutex_assert_held(const port_mutex *m)
{
    if (atomic_load_explicit(&((port_mutex *)m)->owner, memory_order_relaxed) !=
        port_thread_id() + 1)
        port_assert_fail("mutex held by the caller", __FILE__, __LINE__);
}

void port_cond_init(port_cond *c, const char *name)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (pthread_cond_init(&c->c, &attr) != 0)
        port_assert_fail("pthread_cond_init", __FILE__, __LINE__);
    pthread_condattr_destroy(&attr);
    c->name = name;
}

void port_cond_destroy(port_cond *c)
{
    if (pthread_cond_destroy(&c->c) != 0)
        port_assert_fail("pthread_cond_destroy", __FILE__, __LINE__);
}

void port_cond_wait(port_cond *c, port_mutex *m)
{
    port_mutex_assert_held(m);
    atomic_store_explicit(&m->owner, 0, memory_order_relaxed);
    if (pthread_cond_wait(&c->c, &m->m) != 0)
        port_assert_fail("pthread_cond_wait", __FILE__, __LINE__);
    atomic_store_explicit(&m->owner, port_thread_id() + 1, memory_order_relaxed);
}

void port_cond_signal(port_cond *c) { pthread_cond_signal(&c->c); }

void port_cond_broadcast(port_cond *c) { pthread_cond_broadcast(&c->c); }

/* --------------------------------------------------------------- threads */

struct port_thread {
    pthread_t handle;
    void (*fn)(void *);
    void *arg;
    const char *name;
};

static void *thread_trampoline(void *p)
{
    port_thread *t = p;
    char short_name[16];
    snprintf(short_name, sizeof short_name, "%s", t->name);
    pthread_setname_np(pthread_self(), short_name);
    port_pthread_trace_name_port_thread(t->name);
    t->fn(t->arg);
    return NULL;
}

wt_status port_thread_create(port_thread **out, const char *name, void (*fn)(void *), void *arg)
{
    port_thread *t = port_alloc(sizeof *t);
    t->fn = fn;
    t->arg = arg;
    t->name = name;
    if (pthread_create(&t->handle, NULL, thread_trampoline, t) != 0) {
        port_free(t);
        return WT_IO_ERROR;
    }
    *out = t;
    return WT_OK;
}

void port_thread_join(port_thread *t)
{
    if (pthread_join(t->handle, NULL) != 0)
        port_assert_fail("pthread_join", __FILE__, __LINE__);
    port_free(t);
}

/* ---------------------------------------------------------- clock, sleep */

uint64_t port_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void port_sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ------------------------------------------------------------ file faults */

static _Atomic uint64_t fault_append_nth, fault_sync_nth, fault_point_nth, fault_read_nth;
static const char *_Atomic fault_point_name;
static const char *_Atomic fault_path_suffix;
static _Atomic int fault_status;
static _Atomic bool fault_sticky, fault_armed;

void port_pthread_set_faults(const port_pthread_faults *f)
{
    atomic_store(&fault_append_nth, f->fail_append_nth);
    atomic_store(&fault_sync_nth, f->fail_sync_nth);
    atomic_store(&fault_read_nth, f->fail_read_nth);
    atomic_store(&fault_point_name, f->point_name);
    atomic_store(&fault_path_suffix, f->path_suffix);
    atomic_store(&fault_point_nth, f->fail_point_nth);
    atomic_store(&fault_status, (int)f->status);
    atomic_store(&fault_sticky, f->sticky);
    atomic_store(&fault_armed,
                 f->fail_append_nth != 0 || f->fail_sync_nth != 0 || f->fail_point_nth != 0 ||
                     f->fail_read_nth != 0);
}

void port_pthread_clear_faults(void)
{
    port_pthread_faults none = {0, 0, NULL, NULL, 0, WT_OK, false};
    port_pthread_set_faults(&none);
}

/* Counts down *counter; true when this call is the one to fail. */
static bool fault_hits(_Atomic uint64_t *counter)
{
    if (!atomic_load_explicit(&fault_armed, memory_order_relaxed)) return false;
    uint64_t n = atomic_load(counter);
    while (n != 0) {
        if (n == 1 && atomic_load(&fault_sticky)) return true;
        if (atomic_compare_exchange_weak(counter, &n, n - 1)) return n == 1;
    }
    return false;
}

wt_status port_fault_point(const char *name)
{
    if (!atomic_load_explicit(&fault_armed, memory_order_relaxed)) return WT_OK;
    const char *armed = atomic_load(&fault_point_name);
    if (armed == NULL || strcmp(armed, name) != 0) return WT_OK;
    return fault_hits(&fault_point_nth) ? (wt_status)atomic_load(&fault_status) : WT_OK;
}

/* ------------------------------------------------------------------ files */

struct port_file {
    int fd;
    char *path; /* for fault matching */
};

/* Does an armed append/sync fault apply to this file? */
static bool fault_file_matches(const port_file *f)
{
    if (!atomic_load_explicit(&fault_armed, memory_order_relaxed)) return false;
    const char *suffix = atomic_load(&fault_path_suffix);
    if (suffix == NULL) return true;
    size_t n = strlen(f->path), k = strlen(suffix);
    return n >= k && strcmp(f->path + n - k, suffix) == 0;
}

static wt_status status_from_errno(int e)
{
    if (e == ENOENT) return WT_NOT_FOUND;
    if (e == ENOSPC || e == EDQUOT) return WT_NO_SPACE;
    return WT_IO_ERROR;
}

wt_status port_file_open(const char *path, port_open_mode mode, port_file **out)
{
    int flags = O_CLOEXEC;
    if (mode == PORT_OPEN_READ) flags |= O_RDONLY;
    if (mode == PORT_OPEN_CREATE) flags |= O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
    if (mode == PORT_OPEN_APPEND) flags |= O_WRONLY | O_APPEND;
    /* O_NONBLOCK: opening a FIFO to read must not wait for a writer. */
    if (mode == PORT_OPEN_READ) flags |= O_NONBLOCK;
    int fd = open(path, flags, 0644);
    if (fd < 0) return status_from_errno(errno);
    if (mode == PORT_OPEN_READ) {
        struct stat st;
        int e = fstat(fd, &st) != 0 ? errno : 0;
        if (e == 0 && !S_ISREG(st.st_mode)) e = EINVAL; /* reads of /dev/zero never end */
        if (e == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) e = errno;
        if (e != 0) {
            close(fd);
            return e == EINVAL ? WT_INVALID_ARGUMENT : status_from_errno(e);
        }
    }
    port_file *f = port_alloc(sizeof *f);
    f->fd = fd;
    f->path = port_alloc(strlen(path) + 1);
    strcpy(f->path, path);
    *out = f;
    return WT_OK;
}

wt_status port_file_append(port_file *f, const void *data, size_t n)
{
    if (fault_file_matches(f) && fault_hits(&fault_append_nth))
        return (wt_status)atomic_load(&fault_status);
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return status_from_errno(errno);
        }
        p += w;
        n -= (size_t)w;
    }
    return WT_OK;
}

wt_status port_file_sync(port_file *f)
{
    if (fault_file_matches(f) && fault_hits(&fault_sync_nth))
        return (wt_status)atomic_load(&fault_status);
    if (fdatasync(f->fd) != 0) return status_from_errno(errno);
    return WT_OK;
}

wt_status port_file_read(port_file *f, uint64_t off, void *buf, size_t n, size_t *got)
{
    if (fault_file_matches(f) && fault_hits(&fault_read_nth)) {
        *got = 0;
        return (wt_status)atomic_load(&fault_status);
    }
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(f->fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (r < 0) {
            if (errno == EINTR) continue;
            return status_from_errno(errno);
        }
        if (r == 0) break;
        done += (size_t)r;
    }
    *got = done;
    return WT_OK;
}

wt_status port_file_size(port_file *f, uint64_t *size)
{
    struct stat st;
    if (fstat(f->fd, &st) != 0) return status_from_errno(errno);
    *size = (uint64_t)st.st_size;
    return WT_OK;
}

wt_status port_file_close(port_file *f)
{
    int rc = close(f->fd);
    port_free(f->path);
    port_free(f);
    return rc == 0 ? WT_OK : status_from_errno(errno);
}

wt_status port_mkdir(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST) return WT_OK;
    return status_from_errno(errno);
}

wt_status port_sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return status_from_errno(errno);
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    return rc == 0 ? WT_OK : status_from_errno(e);
}

wt_status port_rename(const char *from, const char *to)
{
    return rename(from, to) == 0 ? WT_OK : status_from_errno(errno);
}

wt_status port_unlink(const char *path)
{
    return unlink(path) == 0 ? WT_OK : status_from_errno(errno);
}

wt_status port_truncate(const char *path, uint64_t size)
{
    return truncate(path, (off_t)size) == 0 ? WT_OK : status_from_errno(errno);
}

bool port_exists(const char *path) { return access(path, F_OK) == 0; }

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

wt_status port_list_dir(const char *path, void (*fn)(const char *name, void *arg), void *arg)
{
    DIR *d = opendir(path);
    if (d == NULL) return status_from_errno(errno);
    size_t n = 0, cap = 16;
    char **names = port_alloc(cap * sizeof *names);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (n == cap) names = port_realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        fn(names[i], arg);
        free(names[i]);
    }
    port_free(names);
    return WT_OK;
}

/* ------------------------------------------------------------ file locks */

/* flock(2), not fcntl(2) record locks: a flock belongs to the open file
 * description, so a second open of the same DB in this process conflicts
 * too (fcntl locks are per process and would let it through), and the
 * kernel drops it when the process dies. */
struct port_lock {
    int fd;
};

wt_status port_lock_file(const char *path, port_lock **out)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return status_from_errno(errno);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        return e == EWOULDBLOCK ? WT_BUSY : status_from_errno(e);
    }
    port_lock *l = port_alloc(sizeof *l);
    l->fd = fd;
    *out = l;
    return WT_OK;
}

void port_unlock_file(port_lock *l)
{
    if (l == NULL) return;
    /* Closing the only descriptor of the description releases the flock. */
    close(l->fd);
    port_free(l);
}
