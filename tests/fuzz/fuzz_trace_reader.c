/*
 * fuzz_trace_reader.c — the one trace reader (sim/lab/trace_reader.c):
 * open a fuzzed trace file, read every line to the end or the first
 * error.  An error must name a line; nothing may crash.
 */
#include "fuzz_util.h"

#include "trace_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], err[512];
    fuzz_write_file("t.jsonl", data, size, path, sizeof path);
    trace_reader *r = trace_reader_open(path, err, sizeof err);
    if (r == NULL) {
        if (strstr(err, "t.jsonl") == NULL) abort();
        return 0;
    }
    if (trace_reader_file_kind(r) == TRACE_FILE_TRACE) {
        trace_event e;
        for (unsigned bound = 0; bound < 1u << 20; bound++) {
            trace_item it = trace_reader_next(r, &e);
            if (it == TRACE_ITEM_END) break;
            if (it == TRACE_ITEM_ERROR) {
                if (trace_reader_error(r) == NULL) abort();
                break;
            }
        }
    }
    trace_reader_close(r);
    return 0;
}
