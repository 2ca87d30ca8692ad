# trace_late.sh — sourced by prewake.sh and sync_overlap.sh.
# awk_field: an awk function, field(NAME), the value of "NAME": in the
# current trace line ("" when absent); put it before an awk program.
awk_field='
    function field(name,   m) {
        if (match($0, "\"" name "\":\"?[A-Za-z0-9_]*")) {
            m = substr($0, RSTART, RLENGTH); sub("^\"" name "\":\"?", "", m); return m
        }
        return ""
    }
'
# late TRACE: how many writes returned more than 300 us after the last state
# change of their writer (a leader's own work excluded), from a trace.
late() {
    awk "$awk_field"'
    /"ev":"state"/ { w = field("writer"); t[w] = field("t"); to[w] = field("to") }
    /"ev":"write_end"/ {
        w = field("writer")
        if (field("t") - t[w] > 300000 && to[w] != "GROUP_LEADER" && to[w] != "MEMTABLE_WRITER_LEADER") n++
    }
    END { print n + 0 }' "$1"
}
