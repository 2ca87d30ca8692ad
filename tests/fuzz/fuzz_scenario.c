/*
 * fuzz_scenario.c — the scenario loader (sim/lab/scenario*.c over the
 * project's JSON parser json_*.c): arbitrary text must either load or be
 * refused with a message naming "fuzz.json"; nothing may crash.
 */
#include "fuzz_util.h"

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    scenario_error err;
    err.text[0] = '\0';
    scenario *s = scenario_load_text("fuzz.json", text, &err);
    if (s != NULL) scenario_free(s);
    else if (strncmp(err.text, "fuzz.json", 9) != 0) abort();
    free(text);
    return 0;
}
