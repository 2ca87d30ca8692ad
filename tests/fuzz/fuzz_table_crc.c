/*
 * fuzz_table_crc.c — fuzz_table in checksum-fixing mode: every crc of the
 * input (footer, index block, data blocks) is recomputed before the table
 * reader sees it, so the fuzzer reaches the parsers behind the checksums.
 */
#define FUZZ_TABLE_FIX_CHECKSUMS 1
#include "fuzz_table.c"
