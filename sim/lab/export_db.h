/*
 * export_db.h — the simulated DB directory written to a real one
 * (`wtlab run --export-db DIR`), so wtdb and RocksDB's ldb can read the
 * files a run left: the WAL, tables, MANIFEST and CURRENT, byte for byte
 * as the sim's file system holds them at the end of the run (after a crash
 * without reopen: what survived it).
 *
 * Not thread-safe; call it after the run, with no fiber running.
 */
#ifndef WT_SIM_EXPORT_DB_H
#define WT_SIM_EXPORT_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "simfs.h"

/* dir is usable as an export target: absent (it will be created) or an
 * empty directory.  Else false with the reason in err. */
bool export_db_check_dir(const char *dir, char *err, size_t cap);

/* Copies every file directly in fs's directory src into dir (created if
 * missing).  *files: how many.  False with the reason in err. */
bool export_db(simfs *fs, const char *src, const char *dir, size_t *files, char *err,
               size_t cap);

#endif
