/*
 * fuzz_table.c — the table reader (engine/table.c) over arbitrary bytes:
 * open (footer, index), a full iteration, and a few gets.  A failed read
 * must be reported with an offset; nothing may crash or assert.
 */
#include "fuzz_util.h"

#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], why[256];
    port_file *f;
    if (port_file_open(fuzz_write_file("000009.sst", data, size, path, sizeof path),
                       PORT_OPEN_READ, &f) != WT_OK)
        abort();
    table *t;
    if (table_open(f, size, &t, why, sizeof why) != WT_OK) {
        if (strstr(why, "offset") == NULL && strstr(why, "file") == NULL && size >= 56) abort();
        return 0;
    }
    table_iter *it = table_iter_create(t);
    uint64_t n = 0;
    for (table_iter_seek_to_first(it); table_iter_valid(it); table_iter_next(it)) {
        (void)table_iter_value(it);
        n++;
    }
    const char *iw;
    if (table_iter_status(it, &iw) != WT_OK && strstr(iw, "offset") == NULL) abort();
    table_iter_destroy(it);
    wt_buf v;
    wt_buf_init(&v);
    static const char *const keys[] = {"", "a", "key-00001", "\xff\xff"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        table_get_result r;
        (void)table_get(t, wt_slice_str(keys[i]), WT_MAX_SEQUENCE, &r, &v, why, sizeof why);
    }
    wt_buf_free(&v);
    table_close(t);
    return 0;
}
