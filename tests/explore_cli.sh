#!/bin/sh
# explore_cli.sh WTLAB SRCDIR — `wtlab explore`'s command line (issues 16
# and 17): a missing --policy is named, progress to a pipe has lines with
# the total and an ETA, --help documents --save-max and the run numbering,
# --json and --until-covered work.
exe=$1 src=$2
. "$(dirname "$0")/tap.sh"
sc=$src/scenarios/serial-group-commit.json

check "explore without --policy says why (exit 2)" sh -c "
    '$exe' explore '$sc' > /dev/null 2> '$tmp/e'; [ \$? -eq 2 ] && grep -q 'explore needs --policy' '$tmp/e'"
check "explore --help documents --save-max and the run numbering" sh -c "
    '$exe' explore --help > '$tmp/h' && grep -q -- '--save-max M' '$tmp/h' &&
    grep -q 'Run numbering' '$tmp/h' && grep -q -- '--seed S+I --runs 1' '$tmp/h'"
check "progress to a pipe: lines with the total and an ETA" sh -c "
    '$exe' explore '$sc' --policy random --runs 200 2> '$tmp/p' > /dev/null &&
    grep -q 'explore serial-group-commit: random, 200 runs' '$tmp/p' &&
    grep -q 'runs [0-9]* of 200' '$tmp/p' && grep -q 'ETA' '$tmp/p'"
check "--json prints one object with classes and exhausted" sh -c "
    '$exe' explore '$sc' --policy dpor --max-preemptions 0 --json -q > '$tmp/j' &&
    grep -q '\"classes\": [1-9]' '$tmp/j' && grep -q '\"exhausted\": true' '$tmp/j'"
check "--until-covered stops a sweep that finds nothing new" sh -c "
    '$exe' explore '$sc' --policy dfs --max-preemptions 0 --no-reduction --until-covered 3 --json -q > '$tmp/u' &&
    grep -q '\"until_covered_stop\": true' '$tmp/u' && grep -q '\"exhausted\": false' '$tmp/u' &&
    grep -q '\"runs\": [0-9][0-9]*,' '$tmp/u' && ! grep -q '\"runs\": 6720' '$tmp/u'"
check "--until-covered 0 is refused" expect_status 2 "until-covered takes" "$exe" explore "$sc" --policy random --until-covered 0
check "an unknown policy lists pos and dpor" expect_status 2 "pos, dfs or dpor" "$exe" explore "$sc" --policy bogus

echo "1..$n"
exit $fail
