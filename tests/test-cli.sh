#!/bin/sh
# The ddl command line, end to end. $1 is the ddl binary.
set -eu
ddl="$1"
fail () { echo "FAIL: $*" >&2; exit 1; }

"$ddl" --version | grep -q '^ddl [0-9]' || fail "--version"
"$ddl" --help | grep -q 'devices' || fail "--help lists commands"
for c in devices bench dataset labels eval boxes synth; do
  "$ddl" "$c" --help > /dev/null || fail "ddl $c --help"
done
if "$ddl" no-such-command 2> /dev/null; then fail "unknown command accepted"; fi

# ddl labels / ddl eval on a hand-computed case (sklearn's example: AUC 0.75, AP 5/6,
# EER 0.5), bad input, and the real Ped2 labels when ../shared/datasets is there.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'video,frame,label\nv1,0,0\nv1,1,0\nv1,2,1\nv1,3,1\n' > "$tmp/labels.csv"
printf 'video,frame,score\nv1,0,0.1\nv1,1,0.4\nv1,2,0.35\nv1,3,0.8\n' > "$tmp/scores.csv"
"$ddl" labels "$tmp/labels.csv" --json | grep -q '"anomalous" : 2' || fail "ddl labels --json"
"$ddl" eval "$tmp/scores.csv" --labels "$tmp/labels.csv" --json > "$tmp/eval.json"
grep -q '"micro_auc" : 0.75,' "$tmp/eval.json" || fail "ddl eval micro AUC"
grep -q '"eer" : 0.5,' "$tmp/eval.json" || fail "ddl eval EER"
grep -q '"aupr" : 0.83333' "$tmp/eval.json" || fail "ddl eval AUPR"
"$ddl" eval "$tmp/scores.csv" --labels "$tmp/labels.csv" --protocol paper | grep -q 'median:17' \
  || fail "ddl eval --protocol paper"
if "$ddl" eval "$tmp/missing.csv" --labels "$tmp/labels.csv" 2> "$tmp/err"; then
  fail "ddl eval accepted a missing file"; fi
grep -q '^ddl eval: .*missing.csv' "$tmp/err" || fail "ddl eval error names the file"
printf 'garbage' > "$tmp/bad.mat"
if "$ddl" labels "$tmp/bad.mat" 2> "$tmp/err"; then fail "ddl labels accepted garbage"; fi
grep -q '^ddl labels: .*bad.mat' "$tmp/err" || fail "ddl labels error names the file"
if [ -d "${DDL_SHARED_DATASETS:-/nonexistent}/ped2" ]; then
  "$ddl" labels "$DDL_SHARED_DATASETS/ped2/ped2.mat" --json | grep -q '"anomalous" : 1648,' \
    || fail "ddl labels ped2.mat"
fi
echo "test-cli: all passed"
