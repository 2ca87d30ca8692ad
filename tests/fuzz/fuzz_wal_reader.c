/*
 * fuzz_wal_reader.c — the WAL reader (engine/wal.c) over arbitrary bytes:
 * every record it returns is checked as a write batch and iterated, every
 * problem must carry an offset inside the file and a reason.  Crashes,
 * sanitizer reports and engine assertions are findings.
 */
#include "fuzz_util.h"

#include "port.h"
#include "wal.h"
#include "write_batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    port_file *f;
    if (port_file_open(fuzz_write_file("000007.log", data, size, path, sizeof path),
                       PORT_OPEN_READ, &f) != WT_OK)
        abort();
    wal_reader *r = wal_reader_create(f, 7);
    for (unsigned bound = 0; bound < 1u << 20; bound++) {
        wt_slice rec;
        uint64_t offset;
        wal_problem p;
        wal_read_result res = wal_read_record(r, &rec, &offset, &p);
        if (res == WAL_READ_EOF) break;
        if (res == WAL_READ_PROBLEM) {
            if (p.reason == NULL || p.offset > size) abort();
            continue;
        }
        if (offset > size || rec.size > size) abort();
        if (wt_batch_validate(rec.data, rec.size) != WT_OK) continue;
        wt_batch_iter it;
        wt_batch_record br;
        wt_batch_iter_init(&it, rec.data, rec.size);
        while (wt_batch_iter_next(&it, &br) == WT_BATCH_ITER_RECORD) {
        }
    }
    wal_reader_destroy(r);
    return 0;
}
