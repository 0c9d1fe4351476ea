#!/bin/sh
# The ddl command line, end to end. $1 is the ddl binary.
set -eu
ddl="$1"
fail () { echo "FAIL: $*" >&2; exit 1; }

"$ddl" --version | grep -q '^ddl [0-9]' || fail "--version"
"$ddl" --help | grep -q 'devices' || fail "--help lists commands"
for c in train score info devices bench dataset labels eval boxes synth; do
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

# ddl synth and ddl boxes on a tiny generated set, and their bad input.
"$ddl" synth -o "$tmp/synth" --videos 1 --test-videos 1 --frames 12 --size 64x48 > "$tmp/out" \
  2> /dev/null || fail "ddl synth"
[ -f "$tmp/synth/training/frames/01/011.jpg" ] && [ -f "$tmp/synth/labels.csv" ] \
  && [ -f "$tmp/synth/testing/frames/tracked_bounding_boxes.json" ] || fail "ddl synth files"
"$ddl" boxes "$tmp/synth" -o "$tmp/boxes.json" > "$tmp/out" 2> /dev/null || fail "ddl boxes"
grep -q '^windows of 3 frames with a track common to all' "$tmp/out" || fail "ddl boxes report"
if "$ddl" synth -o "$tmp/synth" 2> "$tmp/err"; then fail "ddl synth into a non-empty folder"; fi
grep -q '^ddl synth: .*not empty' "$tmp/err" || fail "ddl synth error"
if "$ddl" synth -o "$tmp/s2" --size 10x5 2> /dev/null; then fail "ddl synth --size 10x5"; fi
if "$ddl" boxes "$tmp/none" -o "$tmp/x.json" 2> "$tmp/err"; then fail "ddl boxes, no dataset"; fi
grep -q '^ddl boxes: .*none' "$tmp/err" || fail "ddl boxes error names the folder"
# ddl train / info / score / eval end to end on the tiny set, resume, and bad input.
"$ddl" train "$tmp/synth" -o "$tmp/m.safetensors" --latent 8 --size 32x32 --batch 2 \
  --epochs 2 --log "$tmp/log.csv" > /dev/null 2> "$tmp/err" || { cat "$tmp/err"; fail "ddl train"; }
grep -q '^epoch,step,recon,dist,total,sigma,lr,skipped$' "$tmp/log.csv" || fail "train log header"
[ "$(wc -l < "$tmp/log.csv")" -eq 11 ] || fail "train log: 2 epochs x 5 steps (10 windows, batch 2)"
"$ddl" info "$tmp/m.safetensors" > "$tmp/info" || fail "ddl info"
grep -q '^mode *ddl$' "$tmp/info" && grep -q '^epochs *2 of 2$' "$tmp/info" || fail "ddl info fields"
"$ddl" score "$tmp/m.safetensors" "$tmp/synth" -o "$tmp/s.csv" 2> /dev/null || fail "ddl score"
head -1 "$tmp/s.csv" | grep -q '^video,frame,score$' || fail "scores header"
[ "$(wc -l < "$tmp/s.csv")" -eq 11 ] || fail "12 test frames, T=3: 10 scored"
grep -q '^01,0,' "$tmp/s.csv" && fail "frame 0 has no window"
"$ddl" eval "$tmp/s.csv" --labels "$tmp/synth" > /dev/null || fail "ddl eval of ddl score output"
"$ddl" train "$tmp/synth" -o "$tmp/m2.safetensors" --resume "$tmp/m.safetensors" --latent 8 \
  --size 32x32 --batch 2 --epochs 3 > /dev/null 2>&1 || fail "ddl train --resume"
"$ddl" info "$tmp/m2.safetensors" | grep -q '^epochs *3 of 3$' || fail "resumed to epoch 3"
if "$ddl" train "$tmp/synth" -o "$tmp/x.safetensors" --size 30x30 2> "$tmp/err"; then
  fail "ddl train --size 30x30"; fi
grep -q 'multiples of 16' "$tmp/err" || fail "size error"
head -c 1000 "$tmp/m.safetensors" > "$tmp/cut.safetensors"
if "$ddl" score "$tmp/cut.safetensors" "$tmp/synth" -o "$tmp/x.csv" 2> "$tmp/err"; then
  fail "ddl score with a truncated model"; fi
grep -q 'cut.safetensors' "$tmp/err" || fail "truncated model error names the file"
if VK_ICD_FILENAMES=/nonexistent/icd.json VK_DRIVER_FILES=/nonexistent/icd.json \
   "$ddl" devices 2> "$tmp/err"; then fail "devices without a driver"; fi
grep -q 'mesa-vulkan-drivers' "$tmp/err" || fail "no-driver error names the package"
if DDL_VULKAN_LIBRARY=/nonexistent/libvulkan.so.1 "$ddl" info "$tmp/m.safetensors" 2> "$tmp/err"
then fail "info without a loader"; fi
grep -q 'libvulkan1' "$tmp/err" || fail "no-loader error names the package"
# ddl plot: a timeline and a ROC in each format, and bad input.
"$ddl" plot --help > /dev/null || fail "ddl plot --help"
"$ddl" plot "$tmp/scores.csv" --labels "$tmp/labels.csv" -o "$tmp/t.png" 2> /dev/null \
  || fail "ddl plot timeline"
head -c 4 "$tmp/t.png" | grep -q 'PNG' || fail "ddl plot writes a PNG"
"$ddl" plot "$tmp/scores.csv" --labels "$tmp/labels.csv" --threshold 0.5 -o "$tmp/t.svg" \
  2> /dev/null && grep -q '<svg' "$tmp/t.svg" || fail "ddl plot writes an SVG"
"$ddl" plot "$tmp/scores.csv" --labels "$tmp/labels.csv" --roc -o "$tmp/r.pdf" 2> /dev/null \
  && head -c 4 "$tmp/r.pdf" | grep -q '%PDF' || fail "ddl plot --roc writes a PDF"
if "$ddl" plot "$tmp/scores.csv" -o "$tmp/t.jpg" 2> "$tmp/err"; then fail "ddl plot .jpg"; fi
grep -q '^ddl plot: .*t\.jpg' "$tmp/err" || fail "ddl plot error names the file"
if "$ddl" plot "$tmp/scores.csv" --labels "$tmp/labels.csv" --video v9 -o "$tmp/x.png" \
   2> "$tmp/err"; then fail "ddl plot of a missing video"; fi
grep -q "^ddl plot: .*'v9'" "$tmp/err" || fail "ddl plot names the missing video"
# ddl render: the tiny model's real maps into a video, decoded back; defaults; bad input.
"$ddl" render --help > /dev/null || fail "ddl render --help"
"$ddl" score "$tmp/m.safetensors" "$tmp/synth" -o "$tmp/sm.csv" --maps "$tmp/maps" 2> /dev/null \
  || fail "ddl score --maps"
"$ddl" render "$tmp/synth" --scores "$tmp/sm.csv" --maps "score=$tmp/maps" --labels "$tmp/synth" \
  --threshold 0.01 --height 48 --fps 10 -o "$tmp/r.avi" 2> "$tmp/err" \
  || { cat "$tmp/err"; fail "ddl render"; }
"$ddl" dataset info "$tmp/r.avi" --json > "$tmp/r.json" 2> /dev/null || fail "ddl render: r.avi"
grep -q '"frames" : 12,' "$tmp/r.json" && grep -q '"fps" : 10.0' "$tmp/r.json" \
  || fail "ddl render: 12 frames at 10 fps in the video"
(cd "$tmp" && "$ddl" render synth --scores sm.csv --filter median:3 --normalize 2> /dev/null) \
  && [ -s "$tmp/video-01.mp4" ] || fail "ddl render writes video-01.mp4 by default"
if "$ddl" render "$tmp/synth" --scores "$tmp/sm.csv" --maps "score=$tmp/nowhere" \
   -o "$tmp/x.avi" 2> "$tmp/err"; then fail "ddl render without maps files"; fi
grep -q '^ddl render: .*nowhere/01.maps.npy' "$tmp/err" || fail "ddl render names the maps file"
[ ! -e "$tmp/x.avi" ] || fail "ddl render left a file after an error"
if "$ddl" render "$tmp/synth" --scores "$tmp/sm.csv" --video v9 2> "$tmp/err"; then
  fail "ddl render of a missing video"; fi
grep -q "^ddl render: .*'v9'" "$tmp/err" || fail "ddl render names the missing video"
# ddl report: a folder from a two-model CSV (AUCs 0.75 and 1), a trained checkpoint's
# card read without a device, and bad input.
"$ddl" report --help > /dev/null || fail "ddl report --help"
printf 'video,frame,a,b\nv1,0,0.1,0.2\nv1,1,0.4,0.1\nv1,2,0.35,0.9\nv1,3,0.8,0.7\n' > "$tmp/two.csv"
"$ddl" report "$tmp/two.csv" --labels "$tmp/labels.csv" -o "$tmp/rep" > "$tmp/out" 2> "$tmp/err" \
  || { cat "$tmp/err"; fail "ddl report"; }
grep -q '^a .*micro AUC *75.00 %' "$tmp/out" && grep -q '^b - a: *micro *+25.00 pp' "$tmp/out" \
  || fail "ddl report prints the AUCs"
for f in metrics.json scores.csv scores.json scores-a.csv scores-b.csv timeline.png timeline.svg \
         timeline.pdf roc.png roc.svg roc.pdf index.html; do
  [ -s "$tmp/rep/$f" ] || fail "ddl report wrote no $f"; done
grep -q '"format" : "ddl-studio-report"' "$tmp/rep/metrics.json" || fail "report format"
"$ddl" report "$tmp/s.csv" --labels "$tmp/synth" --model "score=$tmp/m.safetensors" \
  --filter median:3 -o "$tmp/rep2" > /dev/null 2>&1 || fail "ddl report --model"
grep -q '"epochs_done" : 2,' "$tmp/rep2/metrics.json" && grep -q '"mode" : "ddl",' \
  "$tmp/rep2/metrics.json" && grep -q '"filter" : "median:3",' "$tmp/rep2/metrics.json" \
  || fail "ddl report --model card"
if "$ddl" report "$tmp/two.csv" --model "c=$tmp/m.safetensors" -o "$tmp/rep3" 2> "$tmp/err"
then fail "ddl report --model of a missing column"; fi
grep -q "^ddl report: .*'c'" "$tmp/err" || fail "ddl report names the missing column"
if "$ddl" report "$tmp/none.csv" -o "$tmp/rep3" 2> "$tmp/err"; then fail "ddl report, no CSV"; fi
grep -q '^ddl report: .*none.csv' "$tmp/err" || fail "ddl report error names the file"
echo "test-cli: all passed"
