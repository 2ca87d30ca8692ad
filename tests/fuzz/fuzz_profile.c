/*
 * fuzz_profile.c — the device profile loader (sim/lab/profile.c, read by
 * scenarios that say "device": {"profile": ...}): arbitrary text must
 * either load or be refused with a message naming the file; and a profile
 * that loads, written back with profile_write, must load again to the same
 * timing model.  Nothing may crash.
 */
#include "fuzz_util.h"

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_dist(const timing_dist *a, const timing_dist *b)
{
    if (a->count != b->count) return false;
    for (size_t i = 0; i < a->count; i++)
        if (a->q[i] != b->q[i]) return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], err[1024];
    fuzz_write_file("fuzz.profile", data, size, path, sizeof path);
    device_profile p;
    bool unreadable = false;
    err[0] = '\0';
    if (!profile_load_file(path, &p, err, sizeof err, &unreadable)) {
        if (unreadable || strncmp(err, path, strlen(path)) != 0) abort();
        return 0;
    }
    /* Round trip: what loads is written back and must load the same. */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL) abort();
    profile_write(out, &p, NULL);
    fclose(out);
    fuzz_write_file("again.profile", (const uint8_t *)text, len, path, sizeof path);
    free(text);
    device_profile q;
    if (!profile_load_file(path, &q, err, sizeof err, &unreadable)) abort();
    if (p.wal_append_ns != q.wal_append_ns || p.wal_append_ns_per_kib != q.wal_append_ns_per_kib ||
        !same_dist(&p.wal_sync, &q.wal_sync) || p.insert_ns_per_entry != q.insert_ns_per_entry ||
        p.insert_ns_per_kib != q.insert_ns_per_kib || p.wake_ns != q.wake_ns ||
        p.tick_ns != q.tick_ns || !same_dist(&p.wake_latency, &q.wake_latency) ||
        !same_dist(&p.wake_cost, &q.wake_cost) || p.think_ns != q.think_ns ||
        p.cpu.cores != q.cpu.cores || p.cpu.switch_ns != q.cpu.switch_ns ||
        p.cpu.slice_ns != q.cpu.slice_ns || p.cpu.wake_preempt != q.cpu.wake_preempt ||
        p.cpu.other_ns != q.cpu.other_ns)
        abort();
    for (size_t i = 0; i < TIMING_WAKE_VALUES; i++)
        if (!same_dist(&p.wake_latency_to[i], &q.wake_latency_to[i]) ||
            !same_dist(&p.wake_cost_to[i], &q.wake_cost_to[i]))
            abort();
    return 0;
}
