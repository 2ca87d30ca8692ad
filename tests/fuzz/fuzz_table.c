/*
 * fuzz_table.c — the table reader (engine/table.c) over arbitrary bytes:
 * open (footer, index), a full iteration, and a few gets.  A failed read
 * must be reported with an offset; nothing may crash or assert.
 *
 * fuzz_table_crc.c builds the same target in checksum-fixing mode
 * (FUZZ_TABLE_FIX_CHECKSUMS): before the reader sees the input, the
 * footer's crc, the index block's trailer and the trailer of every data
 * block the index names (as far as the bytes allow) are recomputed, so
 * mutations get past the crcs into the footer, index and entry parsers.
 */
#include "fuzz_util.h"

#include "coding.h"
#include "crc32c.h"
#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_TABLE_FIX_CHECKSUMS
/* Recomputes the trailer of the block [off, off + len) if it fits. */
static void fix_block(uint8_t *d, size_t size, uint64_t off, uint64_t len)
{
    if (off > size || len > size - off || size - off - len < TABLE_TRAILER_SIZE) return;
    uint8_t *type = d + off + len; /* the crc covers the block and its type byte */
    wt_put_fixed32(type + 1, wt_crc32c_mask(wt_crc32c(d + off, (size_t)len + 1)));
}

/* The footer's crc, then the index block's, then each data block's. */
static void fix_checksums(uint8_t *d, size_t size)
{
    if (size < TABLE_FOOTER_SIZE) return;
    uint8_t *footer = d + size - TABLE_FOOTER_SIZE;
    wt_put_fixed32(footer + 44, wt_crc32c_mask(wt_crc32c(footer, 44)));
    uint64_t index_off = wt_get_fixed64(footer), index_len = wt_get_fixed64(footer + 8);
    fix_block(d, size, index_off, index_len);
    if (index_off > size || index_len > size - index_off) return;
    const uint8_t *p = d + index_off, *limit = p + index_len;
    while (p != NULL && p < limit) {
        wt_slice key;
        uint64_t off = 0, len = 0;
        p = wt_get_length_prefixed(p, limit, &key);
        if (p != NULL) p = wt_get_varint64(p, limit, &off);
        if (p != NULL) p = wt_get_varint64(p, limit, &len);
        /* A data block ends before the index: fixing it cannot change the
         * index bytes being parsed. */
        if (p != NULL && off <= index_off && len <= index_off - off) fix_block(d, size, off, len);
    }
}
#endif

static int check_table(const uint8_t *data, size_t size)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#ifdef FUZZ_TABLE_FIX_CHECKSUMS
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL) abort();
    if (size > 0) memcpy(copy, data, size);
    fix_checksums(copy, size);
    int r = check_table(copy, size);
    free(copy);
    return r;
#else
    return check_table(data, size);
#endif
}
