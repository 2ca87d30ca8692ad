/*
 * wtdb.c — a small command-line tool over the pthreads engine, in the
 * spirit of RocksDB's ldb: put, get, delete, scan, dump-wal and a
 * multi-threaded load, against a real directory.
 *
 * --trace FILE records every engine event of the command as a real trace
 * (traces/README.md); load's writer threads are named w1..wN in it.
 *
 * get and scan open the DB read-only (they write nothing, take no lock,
 * and a missing DB is an error); the other commands hold DIR/LOCK, so a
 * second writer fails at open (exit 1).
 *
 * Exit status: 0 success; 1 the answer is "no" (get of an absent key) or an
 * engine operation failed (an I/O error, LOCK held, or the trace could not
 * be written); 2 usage error or bad input (unknown option, malformed load
 * line, a WAL or DB that is corrupt or missing, a trace file that cannot
 * be created).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "filename.h"
#include "port.h"
#include "port_pthread.h"
#include "wal.h"
#include "write_batch.h"
#include "build_id.h"

enum { EXIT_NO = 1, EXIT_USAGE = 2, MAX_THREADS = 1024, PROGRAM_MAX = 4096,
       LOAD_LINE_MAX = 1 << 20 /* bytes of one load line, newline included */ };

typedef struct cli {
    const char *db_dir;
    const char *trace_path; /* --trace FILE, or NULL */
    wt_options opts;
    wt_write_options wo;
    unsigned threads;
    unsigned batch_ops;
    bool help;
    bool header;
    bool no_values;
    bool hex;
    bool version;
} cli;

typedef struct command {
    const char *name;
    const char *args;
    const char *help;
    int (*run)(cli *c, int argc, char **argv);
    int min_args, max_args;
    bool needs_db;
} command;

static const command *find_command(const char *name);

/* ------------------------------------------------------------- printing */

static void print_bytes(FILE *out, wt_slice s, bool hex)
{
    if (hex) {
        fputs("0x", out);
        for (size_t i = 0; i < s.size; i++) fprintf(out, "%02X", s.data[i]);
        return;
    }
    for (size_t i = 0; i < s.size; i++) {
        uint8_t ch = s.data[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\\')
            fputc(ch, out);
        else
            fprintf(out, "\\x%02x", ch);
    }
}

static int fail(const char *what, wt_status s)
{
    fprintf(stderr, "wtdb: %s: %s\n", what, wt_status_name(s));
    return s == WT_CORRUPTION || s == WT_INVALID_ARGUMENT || s == WT_NOT_SUPPORTED ? EXIT_USAGE
                                                                                   : EXIT_NO;
}

/* ------------------------------------------------------------- open/close */

/* Opens --db; read_only for the commands that only read (get, scan): they
 * write nothing, take no lock, and fail on a missing DB. */
static int open_db(cli *c, wt_db **db, bool read_only)
{
    wt_recovery_report rep;
    wt_status s = read_only ? wt_db_open_read_only(&c->opts, c->db_dir, db, &rep)
                            : wt_db_open(&c->opts, c->db_dir, db, &rep);
    if (rep.problems > 0) {
        fprintf(stderr,
                "wtdb: %sWAL %s/%06llu.log: %s at offset %llu; recovery mode %s: %s "
                "(%llu problem%s)\n",
                rep.data_dropped ? "warning: recovery dropped data: " : "", c->db_dir,
                (unsigned long long)rep.problem_log_number, rep.problem_reason,
                (unsigned long long)rep.problem_offset, wt_wal_recovery_mode_name(rep.mode),
                rep.action ? rep.action : "none", (unsigned long long)rep.problems,
                rep.problems == 1 ? "" : "s");
    }
    if (s != WT_OK) {
        fprintf(stderr, "wtdb: cannot open %s: %s%s%s\n", c->db_dir, wt_status_name(s),
                rep.detail[0] ? ": " : "", rep.detail);
        return s == WT_IO_ERROR || s == WT_NO_SPACE ? EXIT_NO : EXIT_USAGE;
    }
    return 0;
}

/* A failed read: the status and where (file, offset). */
static int fail_read(wt_db *db, const char *what, wt_status s)
{
    char detail[256];
    wt_db_error_detail(db, detail, sizeof detail);
    fprintf(stderr, "wtdb: %s: %s%s%s\n", what, wt_status_name(s), detail[0] ? ": " : "",
            detail);
    return s == WT_CORRUPTION || s == WT_INVALID_ARGUMENT ? EXIT_USAGE : EXIT_NO;
}

static int close_db(wt_db *db, int rc)
{
    wt_status s = wt_db_close(db);
    if (s != WT_OK && rc == 0) return fail("close", s);
    return rc;
}

/* ------------------------------------------------------------- commands */

static int cmd_put(cli *c, int argc, char **argv)
{
    (void)argc;
    wt_db *db;
    int rc = open_db(c, &db, false);
    if (rc) return rc;
    wt_status s = wt_db_put(db, &c->wo, wt_slice_str(argv[0]), wt_slice_str(argv[1]));
    return close_db(db, s == WT_OK ? 0 : fail("put", s));
}

static int cmd_delete(cli *c, int argc, char **argv)
{
    (void)argc;
    wt_db *db;
    int rc = open_db(c, &db, false);
    if (rc) return rc;
    wt_status s = wt_db_delete(db, &c->wo, wt_slice_str(argv[0]));
    return close_db(db, s == WT_OK ? 0 : fail("delete", s));
}

static int cmd_get(cli *c, int argc, char **argv)
{
    (void)argc;
    wt_db *db;
    int rc = open_db(c, &db, true);
    if (rc) return rc;
    wt_buf v;
    wt_buf_init(&v);
    wt_status s = wt_db_get(db, wt_slice_str(argv[0]), &v);
    if (s == WT_OK) {
        print_bytes(stdout, wt_slice_make(v.data, v.size), c->hex);
        fputc('\n', stdout);
    } else if (s == WT_NOT_FOUND) {
        fprintf(stderr, "wtdb: %s: not found\n", argv[0]);
        rc = EXIT_NO;
    } else {
        rc = fail_read(db, "get", s);
    }
    wt_buf_free(&v);
    return close_db(db, rc);
}

static bool print_entry(wt_slice key, wt_slice value, void *arg)
{
    const cli *c = arg;
    print_bytes(stdout, key, c->hex);
    fputs(" : ", stdout);
    print_bytes(stdout, value, c->hex);
    fputc('\n', stdout);
    return true;
}

static int cmd_scan(cli *c, int argc, char **argv)
{
    (void)argc, (void)argv;
    wt_db *db;
    int rc = open_db(c, &db, true);
    if (rc) return rc;
    wt_status s = wt_db_scan(db, print_entry, c);
    return close_db(db, s == WT_OK ? 0 : fail_read(db, "scan", s));
}

static int cmd_flush(cli *c, int argc, char **argv)
{
    (void)argc, (void)argv;
    wt_db *db;
    int rc = open_db(c, &db, false);
    if (rc) return rc;
    wt_status s = wt_db_flush(db);
    return close_db(db, s == WT_OK ? 0 : fail("flush", s));
}

/* Prints one batch like `ldb dump_wal --header --print_value`:
 * sequence,count,byte size,physical offset,OP(cf) : key [: value] ... */
static bool print_batch(const cli *c, wt_slice rec, uint64_t offset)
{
    if (rec.size < WT_BATCH_HEADER) return false;
    printf("%llu,%u,%zu,%llu,", (unsigned long long)wt_get_fixed64(rec.data),
           wt_get_fixed32(rec.data + 8), rec.size, (unsigned long long)offset);
    wt_batch_iter it;
    wt_batch_record r;
    wt_batch_iter_init(&it, rec.data, rec.size);
    wt_batch_iter_result res;
    while ((res = wt_batch_iter_next(&it, &r)) == WT_BATCH_ITER_RECORD) {
        if (r.tag == WT_TAG_LOG_DATA || r.tag == WT_TAG_NOOP) continue;
        printf("%s(%u) : ", wt_batch_tag_name(r.tag), r.column_family);
        print_bytes(stdout, r.key, c->hex);
        if (r.tag == WT_TAG_RANGE_DELETION || r.tag == WT_TAG_CF_RANGE_DELETION) {
            fputc(' ', stdout); /* ldb: the range end follows the begin */
            print_bytes(stdout, r.value, c->hex);
        } else if (!c->no_values && (r.tag == WT_TAG_VALUE || r.tag == WT_TAG_CF_VALUE ||
                                     r.tag == WT_TAG_MERGE || r.tag == WT_TAG_CF_MERGE)) {
            fputs(" : ", stdout);
            print_bytes(stdout, r.value, c->hex);
        }
        fputc(' ', stdout);
    }
    fputc('\n', stdout);
    return res == WT_BATCH_ITER_END;
}

static int cmd_dump_wal(cli *c, int argc, char **argv)
{
    (void)argc;
    port_file *f;
    wt_status s = port_file_open(argv[0], PORT_OPEN_READ, &f);
    if (s != WT_OK) {
        fprintf(stderr, "wtdb: %s: cannot open: %s\n", argv[0],
                s == WT_INVALID_ARGUMENT ? "not a regular file" : wt_status_name(s));
        return EXIT_USAGE;
    }
    uint64_t number = 0;
    const char *base = strrchr(argv[0], '/');
    if (!filename_parse_log(base ? base + 1 : argv[0], &number)) number = 0;
    wal_reader *r = wal_reader_create(f, number);
    if (c->header) /* as ldb prints it, with and without --print_value */
        puts(c->no_values ? "Sequence,Count,ByteSize,Physical Offset,Key(s)"
                          : "Sequence,Count,ByteSize,Physical Offset,Key(s) : value ");
    unsigned problems = 0;
    for (;;) {
        wt_slice rec;
        uint64_t offset;
        wal_problem p;
        wal_read_result res = wal_read_record(r, &rec, &offset, &p);
        if (res == WAL_READ_EOF) break;
        if (res == WAL_READ_PROBLEM) {
            problems++;
            fprintf(stderr, "wtdb: %s: corruption at offset %llu (%llu bytes%s): %s\n", argv[0],
                    (unsigned long long)p.offset, (unsigned long long)p.bytes,
                    p.at_tail ? ", torn tail" : "", p.reason);
        } else if (!print_batch(c, rec, offset)) {
            problems++;
            fprintf(stderr, "wtdb: %s: record at offset %llu is not a valid write batch\n",
                    argv[0], (unsigned long long)offset);
        }
    }
    wal_reader_destroy(r);
    return problems ? EXIT_USAGE : 0;
}

/* -------------------------------------------------------------- load */

typedef struct load_op {
    char kind; /* 'p' put, 'd' delete, 's' single delete */
    char *key;
    char *value;
} load_op;

typedef struct load_job {
    wt_db *db;
    const cli *c;
    const load_op *ops;
    size_t count;
    unsigned index, threads;
    uint64_t writes;
    wt_status status;
} load_job;

/* Parses "put K V", "delete K" or "single_delete K" (in place). */
static bool parse_load_line(char *line, load_op *op)
{
    char *save = NULL;
    char *verb = strtok_r(line, " \t\r\n", &save);
    op->key = verb ? strtok_r(NULL, " \t\r\n", &save) : NULL;
    op->value = op->key ? strtok_r(NULL, " \t\r\n", &save) : NULL;
    char *extra = op->value ? strtok_r(NULL, " \t\r\n", &save) : NULL;
    if (verb == NULL || op->key == NULL || extra != NULL) return false;
    if (strcmp(verb, "put") == 0 && op->value != NULL) op->kind = 'p';
    else if (strcmp(verb, "delete") == 0 && op->value == NULL) op->kind = 'd';
    else if (strcmp(verb, "single_delete") == 0 && op->value == NULL) op->kind = 's';
    else return false;
    op->key = strdup(op->key);
    op->value = op->value ? strdup(op->value) : NULL;
    return true;
}

/* Thread `index` writes ops index, index+threads, ... in batches. */
static void load_worker(void *arg)
{
    load_job *job = arg;
    port_pthread_trace_name_thread("w%u", job->index + 1);
    wt_write_batch b;
    wt_batch_init(&b);
    unsigned in_batch = 0;
    for (size_t i = job->index; i < job->count && job->status == WT_OK; i += job->threads) {
        const load_op *op = &job->ops[i];
        if (op->kind == 'p') wt_batch_put(&b, wt_slice_str(op->key), wt_slice_str(op->value));
        if (op->kind == 'd') wt_batch_delete(&b, wt_slice_str(op->key));
        if (op->kind == 's') wt_batch_single_delete(&b, wt_slice_str(op->key));
        bool last = i + job->threads >= job->count;
        if (++in_batch == job->c->batch_ops || last) {
            job->status = wt_db_write(job->db, &job->c->wo, &b);
            job->writes++;
            wt_batch_clear(&b);
            in_batch = 0;
        }
    }
    wt_batch_destroy(&b);
}

/* Reads one line of stdin into line[LOAD_LINE_MAX] (NUL-terminated, the
 * newline kept).  Returns its length, 0 at end of input, -1 when it is too
 * long or holds a NUL byte (stdin /dev/zero must not eat all memory). */
static long read_load_line(char *line)
{
    long n = 0;
    int ch = 0;
    while (n < LOAD_LINE_MAX - 1 && (ch = getchar()) != EOF) {
        if (ch == '\0') return -1;
        line[n++] = (char)ch;
        if (ch == '\n') break;
    }
    line[n] = '\0';
    return n == LOAD_LINE_MAX - 1 && ch != '\n' ? -1 : n;
}

static int read_load_ops(load_op **ops_out, size_t *count_out)
{
    size_t count = 0, cap = 1024, lineno = 0;
    load_op *ops = malloc(cap * sizeof *ops);
    char *line = malloc(LOAD_LINE_MAX);
    int rc = 0;
    for (long len; rc == 0 && (len = read_load_line(line)) != 0;) {
        lineno++;
        if (len < 0) {
            fprintf(stderr, "wtdb: load: stdin:%zu: a NUL byte, or longer than %d bytes\n",
                    lineno, LOAD_LINE_MAX - 2);
            rc = EXIT_USAGE;
            break;
        }
        if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#') continue;
        if (count == cap) ops = realloc(ops, (cap *= 2) * sizeof *ops);
        if (!parse_load_line(line, &ops[count])) {
            fprintf(stderr, "wtdb: load: stdin:%zu: expected 'put KEY VALUE', 'delete KEY' "
                            "or 'single_delete KEY'\n", lineno);
            rc = EXIT_USAGE;
            break;
        }
        count++;
    }
    if (rc == 0 && ferror(stdin)) {
        fprintf(stderr, "wtdb: load: reading stdin failed: %s\n", strerror(errno));
        rc = EXIT_NO;
    }
    free(line);
    *ops_out = ops;
    *count_out = count;
    return rc;
}

static int run_load(cli *c, wt_db *db, const load_op *ops, size_t count)
{
    load_job jobs[MAX_THREADS];
    port_thread *threads[MAX_THREADS];
    uint64_t start = port_now_ns();
    for (unsigned t = 0; t < c->threads; t++) {
        jobs[t] = (load_job){db, c, ops, count, t, c->threads, 0, WT_OK};
        if (port_thread_create(&threads[t], "wtdb-load", load_worker, &jobs[t]) != WT_OK) {
            fprintf(stderr, "wtdb: load: cannot create thread %u\n", t);
            abort();
        }
    }
    uint64_t writes = 0;
    wt_status s = WT_OK;
    for (unsigned t = 0; t < c->threads; t++) {
        port_thread_join(threads[t]);
        writes += jobs[t].writes;
        if (jobs[t].status != WT_OK && s == WT_OK) s = jobs[t].status;
    }
    double secs = (double)(port_now_ns() - start) / 1e9;
    printf("loaded %zu ops in %llu writes with %u thread%s in %.3f s (%.0f writes/s)\n", count,
           (unsigned long long)writes, c->threads, c->threads == 1 ? "" : "s", secs,
           secs > 0 ? (double)writes / secs : 0.0);
    return s == WT_OK ? 0 : fail("load", s);
}

static int cmd_load(cli *c, int argc, char **argv)
{
    (void)argc, (void)argv;
    load_op *ops;
    size_t count;
    int rc = read_load_ops(&ops, &count);
    wt_db *db = NULL;
    if (rc == 0) rc = open_db(c, &db, false);
    if (rc == 0) rc = close_db(db, run_load(c, db, ops, count));
    for (size_t i = 0; i < count; i++) {
        free(ops[i].key);
        free(ops[i].value);
    }
    free(ops);
    return rc;
}

/* ---------------------------------------------------------------- parsing */

static const command commands[] = {
    {"put", "KEY VALUE", "write KEY=VALUE", cmd_put, 2, 2, true},
    {"get", "KEY", "print the value of KEY (exit 1 when absent)", cmd_get, 1, 1, true},
    {"delete", "KEY", "delete KEY", cmd_delete, 1, 1, true},
    {"scan", "", "print every live KEY : VALUE in key order", cmd_scan, 0, 0, true},
    {"flush", "", "write the memtables to a table file (no WAL then holds needed data)",
     cmd_flush, 0, 0, true},
    {"dump-wal", "FILE", "print each batch of a WAL file: sequence,count,bytes,offset,ops",
     cmd_dump_wal, 1, 1, false},
    {"load", "", "write ops read from stdin ('put K V', 'delete K', 'single_delete K' per line) "
                 "with --threads N writer threads", cmd_load, 0, 0, true},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static void usage(FILE *out, const command *cmd)
{
    if (cmd != NULL) {
        fprintf(out, "usage: wtdb %s%s %s%s\n  %s\n", cmd->needs_db ? "--db DIR " : "", cmd->name,
                cmd->args, cmd->needs_db ? " [options]" : " [--header] [--hex] [--no-values]",
                cmd->help);
    } else {
        fputs("usage: wtdb --db DIR COMMAND [ARGS] [options]\ncommands:\n", out);
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            fprintf(out, "  %-9s %-10s %s\n", commands[i].name, commands[i].args, commands[i].help);
    }
    fputs("write options: --sync --disable-wal --no-slowdown\n"
          "db options: --pipelined --unordered --two-queues --serial-memtable --sync-group-fill\n"
          "            --sync-prewake USEC (1..1000000; default off)\n"
          "            --max-active-writers N (1..4096; default off: no gate)\n"
          "            --group-bytes N --recovery-mode tolerate_corrupted_tail_records|\n"
          "            absolute_consistency|point_in_time|skip_any_corrupted_records\n"
          "load options: --threads N (default 1) --batch N (ops per write, default 1)\n"
          "output: --hex (keys and values in hex, as ldb prints them)\n"
          "trace: --trace FILE  record every engine event of the command as a real trace\n"
          "       (JSON Lines; load's writer threads are w1..wN); view it with\n"
          "       `wtlab replay --text FILE` or `wtlab plot FILE -o chart.png`\n"
          "--version: the version and build id\n"
          "exit status: 0 ok, 1 absent key or failed operation, 2 usage or bad input\n", out);
}

static bool parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || v == 0 || v > max) return false;
    *out = v;
    return true;
}

enum { OPT_SYNC = 256, OPT_NO_WAL, OPT_NO_SLOWDOWN, OPT_PIPELINED, OPT_UNORDERED,
       OPT_TWO_QUEUES, OPT_SERIAL, OPT_GROUP_BYTES, OPT_RECOVERY, OPT_THREADS, OPT_BATCH,
       OPT_HEADER, OPT_HEX, OPT_NO_VALUES, OPT_FILL, OPT_PREWAKE, OPT_ACTIVE, OPT_TRACE, OPT_VERSION };

static bool apply_option(cli *c, int opt, const char *arg)
{
    unsigned long long v;
    switch (opt) {
    case 'd': c->db_dir = arg; return true;
    case OPT_TRACE: c->trace_path = arg; return true;
    case OPT_VERSION: c->version = true; return true;
    case 'h': c->help = true; return true;
    case OPT_SYNC: c->wo.sync = true; return true;
    case OPT_NO_WAL: c->wo.disable_wal = true; return true;
    case OPT_NO_SLOWDOWN: c->wo.no_slowdown = true; return true;
    case OPT_PIPELINED: c->opts.enable_pipelined_write = true; return true;
    case OPT_UNORDERED: c->opts.unordered_write = true; return true;
    case OPT_TWO_QUEUES: c->opts.two_write_queues = true; return true;
    case OPT_SERIAL: c->opts.allow_concurrent_memtable_write = false; return true;
    case OPT_FILL: c->opts.sync_group_fill = true; return true;
    case OPT_PREWAKE:
        if (!parse_count(arg, 1000000, &v)) return false;
        c->opts.sync_prewake_usec = v;
        return true;
    case OPT_ACTIVE:
        if (!parse_count(arg, 4096, &v)) return false;
        c->opts.max_active_writers = v;
        return true;
    case OPT_HEADER: c->header = true; return true;
    case OPT_HEX: c->hex = true; return true;
    case OPT_NO_VALUES: c->no_values = true; return true;
    case OPT_RECOVERY: return wt_wal_recovery_mode_parse(arg, &c->opts.wal_recovery_mode);
    case OPT_GROUP_BYTES:
        if (!parse_count(arg, UINT64_MAX, &v)) return false;
        c->opts.max_write_batch_group_size_bytes = v;
        return true;
    case OPT_THREADS:
        if (!parse_count(arg, MAX_THREADS, &v)) return false;
        c->threads = (unsigned)v;
        return true;
    case OPT_BATCH:
        if (!parse_count(arg, 1u << 20, &v)) return false;
        c->batch_ops = (unsigned)v;
        return true;
    }
    return false;
}

/* The command line, space-separated (truncated to cap), for a trace's header. */
static void command_line(int argc, char **argv, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", i ? " " : "", argv[i]);
    }
}

/* Runs cmd with a trace recording into c->trace_path.  Every thread the
 * command made is joined, and its DB closed, when cmd->run returns. */
static int run_traced(cli *c, const command *cmd, int nargs, char **args, const char *program)
{
    wt_status s = port_pthread_trace_start(c->trace_path, program);
    if (s != WT_OK) {
        fprintf(stderr, "wtdb: --trace %s: cannot create the file: %s\n", c->trace_path,
                strerror(errno));
        return EXIT_USAGE;
    }
    int rc = cmd->run(c, nargs, args);
    s = port_pthread_trace_stop();
    if (s != WT_OK) {
        fprintf(stderr, "wtdb: --trace %s: writing the trace failed: %s\n", c->trace_path,
                wt_status_name(s));
        if (rc == 0) rc = EXIT_NO;
    }
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'},
        {"sync", no_argument, 0, OPT_SYNC}, {"disable-wal", no_argument, 0, OPT_NO_WAL},
        {"no-slowdown", no_argument, 0, OPT_NO_SLOWDOWN},
        {"pipelined", no_argument, 0, OPT_PIPELINED}, {"unordered", no_argument, 0, OPT_UNORDERED},
        {"two-queues", no_argument, 0, OPT_TWO_QUEUES},
        {"serial-memtable", no_argument, 0, OPT_SERIAL},
        {"sync-group-fill", no_argument, 0, OPT_FILL},
        {"sync-prewake", required_argument, 0, OPT_PREWAKE},
        {"max-active-writers", required_argument, 0, OPT_ACTIVE},
        {"group-bytes", required_argument, 0, OPT_GROUP_BYTES},
        {"recovery-mode", required_argument, 0, OPT_RECOVERY},
        {"threads", required_argument, 0, OPT_THREADS}, {"batch", required_argument, 0, OPT_BATCH},
        {"header", no_argument, 0, OPT_HEADER}, {"hex", no_argument, 0, OPT_HEX},
        {"no-values", no_argument, 0, OPT_NO_VALUES},
        {"trace", required_argument, 0, OPT_TRACE}, {"version", no_argument, 0, OPT_VERSION},
        {0, 0, 0, 0}};
    cli c = {.threads = 1, .batch_ops = 1};
    char program[PROGRAM_MAX];
    command_line(argc, argv, program, sizeof program); /* before getopt permutes argv */
    wt_options_default(&c.opts);
    c.opts.create_if_missing = true;
    int opt;
    while ((opt = getopt_long(argc, argv, "d:h", long_opts, NULL)) != -1) {
        if (opt == '?' || !apply_option(&c, opt, optarg)) {
            if (opt != '?') fprintf(stderr, "wtdb: bad value for an option: %s\n", argv[optind - 1]);
            usage(stderr, NULL);
            return EXIT_USAGE;
        }
    }
    if (c.version) {
        printf("wtdb %s\nbuild %s\n", WTLAB_VERSION, WTLAB_BUILD_ID);
        return 0;
    }
    const command *cmd = optind < argc ? find_command(argv[optind]) : NULL;
    if (cmd == NULL) {
        if (optind < argc) fprintf(stderr, "wtdb: unknown command '%s'\n", argv[optind]);
        usage(c.help ? stdout : stderr, NULL);
        return c.help && optind == argc ? 0 : EXIT_USAGE;
    }
    if (c.help) {
        usage(stdout, cmd);
        return 0;
    }
    if (c.wo.sync && c.wo.disable_wal) { /* RocksDB: "Sync writes has to enable WAL." */
        fprintf(stderr, "wtdb: --sync and --disable-wal cannot be combined (a sync write "
                        "syncs the WAL)\n");
        return EXIT_USAGE;
    }
    if (c.opts.enable_pipelined_write && c.opts.two_write_queues) { /* every write: NotSupported */
        fprintf(stderr, "wtdb: --pipelined and --two-queues cannot be combined (RocksDB: "
                        "pipelined writes are not compatible with concurrent prepares)\n");
        return EXIT_USAGE;
    }
    int nargs = argc - optind - 1;
    if (nargs < cmd->min_args || nargs > cmd->max_args || (cmd->needs_db && c.db_dir == NULL)) {
        usage(stderr, cmd);
        return EXIT_USAGE;
    }
    if (c.trace_path == NULL) return cmd->run(&c, nargs, argv + optind + 1);
    return run_traced(&c, cmd, nargs, argv + optind + 1, program);
}
