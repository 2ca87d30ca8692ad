/*
 * fuzz_manifest.c — the MANIFEST (engine/manifest.c).  The first byte
 * chooses: even, the rest is one version edit record (decode, check,
 * apply to a state, and a decoded edit must re-encode and decode to the
 * same bytes); odd, the rest is a whole MANIFEST-000001 file behind a
 * valid CURRENT, recovered with manifest_recover (its WAL framing too).
 */
#include "fuzz_util.h"

#include "filename.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_edit(const uint8_t *data, size_t size)
{
    version_edit e;
    version_edit_init(&e);
    const char *reason = NULL;
    if (version_edit_decode(&e, data, size, &reason) == WT_OK) {
        wt_buf enc;
        wt_buf_init(&enc);
        version_edit_encode(&e, &enc);
        version_edit e2;
        version_edit_init(&e2);
        if (version_edit_decode(&e2, enc.data, enc.size, &reason) != WT_OK) abort();
        wt_buf enc2;
        wt_buf_init(&enc2);
        version_edit_encode(&e2, &enc2);
        if (enc2.size != enc.size || (enc.size > 0 && memcmp(enc.data, enc2.data, enc.size) != 0))
            abort();
        version_state st;
        version_state_init(&st);
        if (version_state_check_edit(&st, &e) == NULL) version_state_apply(&st, &e);
        version_state_free(&st);
        version_edit_free(&e2);
        wt_buf_free(&enc);
        wt_buf_free(&enc2);
    } else if (reason == NULL) {
        abort();
    }
    version_edit_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    if ((data[0] & 1) == 0) {
        one_edit(data + 1, size - 1);
        return 0;
    }
    char path[512], why[512];
    fuzz_write_file("CURRENT", (const uint8_t *)"MANIFEST-000001\n", 16, path, sizeof path);
    fuzz_write_file("MANIFEST-000001", data + 1, size - 1, path, sizeof path);
    version_state st;
    version_state_init(&st);
    wt_status s = manifest_recover(fuzz_dir(), &st, why, sizeof why);
    if (s == WT_CORRUPTION && strstr(why, "MANIFEST-000001") == NULL) abort(); /* names the file */
    version_state_free(&st);
    return 0;
}
