# wake_deltas.awk TRACE — for tests/calibrate.sh: for each state set by
# another fiber on a parked writer (from LOCKED_WAITING), prints
# "to STATE DELTA" (the set -> that writer's next event, ns) and
# "cost STATE DELTA" (the set -> the setter's next event).
function field(line, key,   m) {
    if (match(line, "\"" key "\":\"[^\"]*\"")) { m = substr(line, RSTART, RLENGTH); sub(/^[^:]*:"/, "", m); sub(/"$/, "", m); return m }
    if (match(line, "\"" key "\":[0-9]+")) { m = substr(line, RSTART, RLENGTH); sub(/^[^:]*:/, "", m); return m }
    return ""
}
/"ev":"pick"/ { next }
{
    f = field($0, "fiber"); t = field($0, "t")
    if (f in woken) { print "to", woken[f], t - woken_t[f]; delete woken[f] }
    if (f in setter) { print "cost", setter[f], t - setter_t[f]; delete setter[f] }
    if (index($0, "\"ev\":\"state\"") && field($0, "from") == "LOCKED_WAITING") {
        w = field($0, "writer")
        if (w != f) { woken[w] = field($0, "to"); woken_t[w] = t; setter[f] = field($0, "to"); setter_t[f] = t }
    }
}
