#!/usr/bin/env bash
# End-to-end tests of `livesop mine`: runs the real binary on the shared real
# logs (../shared/data/logs), on small files written here and on a store,
# and checks exit codes, messages, JSON and written files.
#
#   tests/cli_mine_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, exactly one line "N passed, M
# failed"; exits 1 when anything failed. Needs python3 to read the JSON.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIVESOP_BINARY SOURCE_DIR" >&2
  exit 2
fi
livesop="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source_dir="$(cd "$2" && pwd)"
# shellcheck source=tests/lib.sh
source "${source_dir}/tests/lib.sh"
logs="${source_dir}/../shared/data/logs"
reference="${logs}/reference"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/livesop-cli-mine-test.XXXXXX")"
trap 'rm -rf "${work_dir}"' EXIT
cd "${work_dir}" || exit 2

# --- stats ------------------------------------------------------------------
run mine stats "${logs}/running-example.xes"
expect_eq "stats exit" "${code}" 0
expect_contains "stats cases" "${out}" "cases: 6"
expect_contains "stats events" "${out}" "events: 42"
expect_contains "stats rework" "${out}" "check ticket: 2, 3"

run_json mine stats "${logs}/receipt.xes" --json
expect_eq "stats json cases" "$(py 'd["cases"]' <<<"${out}")" 1434
expect_eq "stats json events" "$(py 'd["events"]' <<<"${out}")" 8577
expect_eq "stats json variants" "$(py 'd["variants"]' <<<"${out}")" 116
expect_eq "stats json duration ordered" \
  "$(py 'd["case_duration"]["median_s"] <= d["case_duration"]["p90_s"]' <<<"${out}")" True

# --- variants ---------------------------------------------------------------
run_json mine variants "${logs}/receipt.xes" --json --top 3
expect_eq "variants count" "$(py 'd["variants"]' <<<"${out}")" 116
expect_eq "variants top" "$(py 'len(d["top"])' <<<"${out}")" 3
expect_eq "variants sorted" \
  "$(py 'd["top"][0]["cases"] >= d["top"][1]["cases"] >= d["top"][2]["cases"]' <<<"${out}")" True
run mine variants "${logs}/running-example.xes" --top 1
expect_contains "variants text" "${out}" "6 variants in 6 cases"

# --- discover: the directly-follows graph equals PM4Py's -----------------------
run_json mine discover "${logs}/roadtraffic100traces.xes" --algo dfg --json
expect_eq "discover dfg equals pm4py" "$(python3 -c '
import json, sys
mine = json.loads(sys.argv[1])["dfg"]
ref = json.load(open(sys.argv[2]))
ours = {(e["source"], e["target"]): e["count"] for e in mine["edges"]}
theirs = {(s, t): c for s, t, c in ref["dfg"]}
print(ours == theirs and mine["start_activities"] == ref["start_activities"]
      and mine["end_activities"] == ref["end_activities"])
' "${out}" "${reference}/roadtraffic100traces.dfg.json")" True

# --- discover: the Inductive and Heuristics Miners equal PM4Py's counts -------
run_json mine discover "${logs}/receipt.xes" --algo inductive --json
expect_eq "inductive net counts equal pm4py" "$(python3 -c '
import json, sys
mine = json.loads(sys.argv[1])["petri_net"]["counts"]
ref = json.load(open(sys.argv[2]))["im_net"]
print(all(mine[k] == ref[k] for k in
          ("places", "transitions", "visible_transitions", "silent_transitions", "arcs")))
' "${out}" "${reference}/receipt.fitness.json")" True
run_json mine discover "${logs}/receipt.xes" --algo heuristics --json
expect_eq "heuristics counts equal pm4py" "$(python3 -c '
import json, sys
mine = json.loads(sys.argv[1])["heuristics_net"]["counts"]
ref = json.load(open(sys.argv[2]))["heuristics_net"]
print(mine == ref)
' "${out}" "${reference}/receipt.fitness.json")" True
run mine discover "${logs}/running-example.xes" --algo inductive --svg net.svg
expect_eq "inductive exit" "${code}" 0
expect_contains "inductive tree" "${out}" "process tree: ->( 'register request'"
expect_true "inductive svg written" grep -q "<svg" net.svg
run mine discover "${logs}/running-example.xes" --algo inductive --noise 0.2
expect_eq "imf exit" "${code}" 0
run mine discover "${logs}/running-example.xes" --algo inductive --noise 1.5
expect_eq "noise out of range exit" "${code}" 2
expect_contains "noise out of range message" "${out}" "--noise"
run mine discover "${logs}/running-example.xes" --algo alpha
expect_eq "unknown algorithm exit" "${code}" 2

# --- map --------------------------------------------------------------------
run mine map "${logs}/receipt.xes" --view performance --activities 0.5 --svg map.svg --dot map.dot
expect_eq "map exit" "${code}" 0
expect_contains "map summary" "${out}" "of 27 activities"
expect_true "map svg written" grep -q "<svg" map.svg
expect_true "map dot written" grep -q "digraph map" map.dot
run mine map "${logs}/receipt.xes" --view sideways
expect_eq "map bad view exit" "${code}" 2
expect_contains "map bad view message" "${out}" "frequency or performance"
run mine map "${logs}/receipt.xes" --paths 0 --svg never.svg
expect_eq "map bad share exit" "${code}" 2
expect_true "map bad share writes nothing" test ! -e never.svg

# --- CSV and the store as logs -------------------------------------------------
cat >log.csv <<'CSV'
case,activity,timestamp,resource
1,brief,2026-01-05T09:00:00Z,ana
1,draft,2026-01-05T11:00:00Z,ben
2,brief,2026-01-06T09:00:00Z,ana
1,approve,2026-01-06T10:00:00Z,cy
2,draft,2026-01-06T12:00:00Z,ana
CSV
run_json mine stats log.csv --json
expect_eq "csv cases" "$(py 'd["cases"]' <<<"${out}")" 2
expect_eq "csv handover" "$(py 'd["handovers"][0]["count"]' <<<"${out}")" 1

run import "${logs}/running-example.xes" --db store.db
expect_eq "import for mining" "${code}" 0
run_json mine stats store.db --json
expect_eq "store cases" "$(py 'd["cases"]' <<<"${out}")" 6
expect_eq "store events" "$(py 'd["events"]' <<<"${out}")" 42
run mine stats "${logs}/running-example.xes" --steps
expect_eq "--steps on a file exit" "${code}" 2
expect_contains "--steps on a file says why" "${out}" "--steps reads a store's history"
run_json mine discover sqlite:store.db --json
expect_eq "store dfg edges" "$(py 'len(d["dfg"]["edges"])' <<<"${out}")" \
  "$(py 'len(d["dfg"])' <"${reference}/running-example.dfg.json")"

# --- conformance: fitness equals PM4Py's on the reference nets -----------------
for name in running-example receipt roadtraffic100traces; do
  for method in token alignment; do
    run_json mine conformance "${logs}/${name}.xes" \
      --model "${reference}/${name}.im.pnml" --method "${method}" --json
    expect_eq "${name} ${method} fitness equals pm4py" "$(python3 -c '
import json, sys
mine = json.load(sys.stdin)
ref = json.load(open(sys.argv[1]))
ref = ref["tbr_fitness" if sys.argv[2] == "token" else "align_fitness"]
print(all(abs(mine[k] - ref[k]) < 1e-6 for k in
          ("log_fitness", "average_trace_fitness", "percentage_of_fitting_traces")))
' "${reference}/${name}.fitness.json" "${method}" <<<"${out}")" True
  done
done
run_json mine conformance "${logs}/receipt.xes" \
  --model "${reference}/receipt.im.pnml" --json
expect_eq "token json lists every variant" "$(py 'len(d["variants"])' <<<"${out}")" 116
expect_eq "token json cases of variants" \
  "$(py 'sum(len(v["case_ids"]) for v in d["variants"])' <<<"${out}")" 1434
expect_eq "token json unfit cases" \
  "$(py 'sum(len(v["case_ids"]) for v in d["variants"] if not v["is_fit"])' <<<"${out}")" 10
expect_eq "token json place counts add up" \
  "$(py 'sum(p["missing"] for p in d["places"]) == d["tokens"]["missing"]' <<<"${out}")" True
run mine conformance "${logs}/receipt.xes" --model "${reference}/receipt.im.pnml" --top 2
expect_contains "token text fitness" "${out}" "log fitness 0.9997"
expect_contains "token text deviations" "${out}" "not enabled: T07"
expect_contains "token text more" "${out}" "… 8 more"

# Discovered, written as PNML, read back: the same net fits as PM4Py's does.
run mine discover "${logs}/receipt.xes" --algo inductive --pnml receipt.pnml
expect_eq "discover pnml exit" "${code}" 0
run_json mine conformance "${logs}/receipt.xes" --model receipt.pnml --json
expect_eq "discovered pnml fitness" \
  "$(py 'round(d["log_fitness"], 9)' <<<"${out}")" \
  "$(py 'round(d["tbr_fitness"]["log_fitness"], 9)' <"${reference}/receipt.fitness.json")"
run mine discover "${logs}/receipt.xes" --algo heuristics --pnml never.pnml
expect_eq "pnml needs a net exit" "${code}" 2
expect_contains "pnml needs a net message" "${out}" "--algo inductive"
expect_true "pnml needs a net writes nothing" test ! -e never.pnml
# The directly-follows graph's net fits its log by construction.
run mine discover "${logs}/receipt.xes" --pnml dfg.pnml
expect_eq "discover dfg pnml exit" "${code}" 0
run_json mine conformance "${logs}/receipt.xes" --model dfg.pnml --json --top 1
expect_eq "dfg net fits its log" "$(py 'd["log_fitness"]' <<<"${out}")" 1.0

# Against an SOP process: step names are the activities.
cat >review.xes <<'XES'
<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <trace><string key="concept:name" value="fits"/>
    <event><string key="concept:name" value="Refresh dashboard and monthly report"/></event>
    <event><string key="concept:name" value="Check the numbers"/></event>
    <event><string key="concept:name" value="Performance review meeting"/></event>
    <event><string key="concept:name" value="Log actions"/></event>
  </trace>
  <trace><string key="concept:name" value="loops"/>
    <event><string key="concept:name" value="Refresh dashboard and monthly report"/></event>
    <event><string key="concept:name" value="Check the numbers"/></event>
    <event><string key="concept:name" value="Refresh dashboard and monthly report"/></event>
    <event><string key="concept:name" value="Check the numbers"/></event>
    <event><string key="concept:name" value="Performance review meeting"/></event>
    <event><string key="concept:name" value="Log actions"/></event>
  </trace>
  <trace><string key="concept:name" value="skips-and-adds"/>
    <event><string key="concept:name" value="Refresh dashboard and monthly report"/></event>
    <event><string key="concept:name" value="Agency review"/></event>
    <event><string key="concept:name" value="Performance review meeting"/></event>
    <event><string key="concept:name" value="Log actions"/></event>
  </trace>
</log>
XES
sop="${source_dir}/examples/marketing-ops/sop.yaml"
run_json mine conformance review.xes --model "${sop}" \
  --process monthly-performance-review --method alignment --json
expect_eq "sop alignment exit" "${code}" 0
expect_eq "sop alignment fitting" "$(py 'd["fitting_cases"]' <<<"${out}")" 2
expect_eq "sop alignment log move" \
  "$(py '[v["log_moves"] for v in d["variants"] if v["case_ids"] == ["skips-and-adds"]][0]' <<<"${out}")" \
  "['Agency review']"
expect_eq "sop alignment model move" \
  "$(py '[v["model_moves"] for v in d["variants"] if v["case_ids"] == ["skips-and-adds"]][0]' <<<"${out}")" \
  "['Check the numbers']"
run mine conformance review.xes --model "${sop}" --process monthly-performance-review
expect_contains "sop token text" "${out}" "fitting cases 2 (66.7%)"
expect_contains "sop token names the model" "${out}" "process monthly-performance-review of SOP"
run mine conformance review.xes --model "${sop}"
expect_eq "sop needs a process exit" "${code}" 2
expect_contains "sop needs a process lists them" "${out}" "campaign-delivery, event-campaign"
run mine conformance review.xes --model "${sop}" --process nope
expect_eq "sop unknown process exit" "${code}" 2
expect_contains "sop unknown process message" "${out}" "--process nope"

# --- drift: the development logs of ../shared/data/drift ---------------------
drift="${source_dir}/../shared/data/drift"
run drift "${drift}/ceravolo/sudden_trace_noise10_1000_sw.xes.gz" \
  "${drift}/ceravolo/sudden_trace_noise0_1000_pl.xes.gz" --csv
expect_eq "drift csv exit" "${code}" 0
expect_eq "drift csv: the swap found at the switch, nothing in the other" \
  "$(grep -v '^livesop\|^reading\|^looking' <<<"${out}" | tr '\n' ' ')" \
  "log,change_point_trace_index sudden_trace_noise10_1000_sw,446 sudden_trace_noise0_1000_pl, "
run_json drift "${drift}/ceravolo/sudden_trace_noise0_1000_re.xes.gz" --json
expect_eq "drift json: the change point and what changed first" \
  "$(py '[(p["trace_index"], p["p_value"] <= 0.03, len(p["relations"]) > 0) for p in d["logs"][0]["change_points"]]' <<<"${out}")" \
  "[(446, True, True)]"
run drift "${drift}/ceravolo/sudden_trace_noise0_1000_re.xes.gz"
expect_contains "drift text says after which trace" "${out}" "after trace 446"
run_json drift --db store.db --json
expect_eq "drift --db exit" "${code}" 0
expect_eq "drift --db reads the store's campaigns as traces" \
  "$(py '[(l["log"], l["traces"], l["change_points"]) for l in d["logs"]]' <<<"${out}")" \
  "[('store.db', 6, [])]"
run drift
expect_eq "drift without a log exit" "${code}" 2
expect_contains "drift without a log says what to give" "${out}" \
  "name a log (LOG...) or a store (--db URL)"
run drift missing.xes
expect_eq "drift on a missing log exit" "${code}" 1
expect_contains "it names the file" "${out}" "missing.xes"

# --- bad input ----------------------------------------------------------------
printf '<log>\n<trace>\n<string key="concept:name" value="1"/>\n' >broken.xes
run mine stats broken.xes
expect_eq "broken xes exit" "${code}" 1
expect_contains "broken xes names the file" "${out}" "broken.xes:"
run mine stats missing.xes
expect_eq "missing log exit" "${code}" 1
expect_contains "missing log message" "${out}" "missing.xes"
printf 'case,activity,timestamp\n1,a,yesterday\n' >badtime.csv
run mine stats badtime.csv
expect_eq "bad csv time exit" "${code}" 1
expect_contains "bad csv time names the line" "${out}" "badtime.csv:2"
printf '<pnml><net id="n">\n<place id="p"/>\n<arc id="a" source="p" target="q"/>\n</net></pnml>\n' >broken.pnml
run mine conformance "${logs}/running-example.xes" --model broken.pnml
expect_eq "broken pnml exit" "${code}" 1
expect_contains "broken pnml names the line" "${out}" "broken.pnml:3"
printf 'sop:\n  id: x\n  version: [\n' >broken.yaml
run mine conformance "${logs}/running-example.xes" --model broken.yaml
expect_eq "broken sop exit" "${code}" 1
expect_contains "broken sop message" "${out}" "broken.yaml"
run mine conformance "${logs}/running-example.xes" --model missing.pnml
expect_eq "missing model exit" "${code}" 1
expect_contains "missing model message" "${out}" "missing.pnml"
run mine conformance "${logs}/running-example.xes" --model "${reference}/running-example.im.pnml" --method nope
expect_eq "bad method exit" "${code}" 2

finish
