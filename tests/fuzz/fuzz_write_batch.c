/*
 * fuzz_write_batch.c — a WriteBatch's bytes (engine/write_batch.c): the
 * validator, the iterator, and for a valid batch its insertion into a
 * memtable (db.c's db_insert_batch, as WAL replay does) and a walk of the
 * memtable.  A batch the validator accepts must iterate to its end and
 * insert without an assertion.
 */
#include "fuzz_util.h"

#include "db_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= WT_BATCH_HEADER) { /* the iterator's precondition */
        wt_batch_iter it;
        wt_batch_record rec;
        wt_batch_iter_init(&it, data, size);
        while (wt_batch_iter_next(&it, &rec) == WT_BATCH_ITER_RECORD) {
        }
    }
    if (wt_batch_validate(data, size) != WT_OK) return 0;
    wt_write_batch b;
    wt_batch_init(&b);
    if (wt_batch_set_contents(&b, data, size) != WT_OK) abort(); /* validated */
    uint64_t seq = wt_batch_sequence(&b);
    if (seq == 0 || seq > WT_MAX_SEQUENCE - wt_batch_count(&b)) seq = 1;
    memtable *m = memtable_create(1 << 16);
    wt_status s = db_insert_batch(m, &b, seq, false, 1);
    (void)s; /* WT_NOT_SUPPORTED for a merge or range deletion is an answer */
    memtable_iter mi;
    memtable_iter_init(&mi, m);
    for (memtable_iter_seek_to_first(&mi); memtable_iter_valid(&mi); memtable_iter_next(&mi))
        (void)memtable_iter_key(&mi);
    memtable_destroy(m);
    wt_batch_destroy(&b);
    return 0;
}
