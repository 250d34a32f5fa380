#!/usr/bin/env bash
# End-to-end tests of channel results: `livesop results import` of CSV
# exports (an ad platform's daily rows with recognised headers, an email
# tool's export with a column mapping and decimal commas, a multi-campaign
# file) and `livesop results show` with the KPIs of the campaign's
# objective against the SOP's and the brief's targets; bad files refused
# with their line and column, nothing written. Runs the real binary on a
# temporary SQLite store and the example SOP.
#
#   tests/cli_results_test.sh BUILD/livesop SOURCE_DIR
#
# Prints one line per failure and, last, "N passed, M failed"; exits 1 when
# anything failed.
set -uo pipefail

# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
take_args "$@"
example="${source_dir}/examples/marketing-ops/sop.yaml"

enter_work_dir cli-results-test

store=(--db store.db --sop "${example}")
manager=intan-permata
outsider=someone-else  # not a person of the SOP

read -r today launch end <<<"$(python3 -c '
import datetime
t = datetime.datetime.now(datetime.timezone.utc).date()
print(t, t + datetime.timedelta(days=120), t + datetime.timedelta(days=150))')"

# A conversion campaign whose brief sets 500 qualified leads as its target,
# and an awareness campaign.
write_request awareness.json "${today}" "${launch}" "${end}" '["instagram"]'
python3 - <<'PY'
import json
r = json.load(open("awareness.json"))
r.update(objective="conversion", target_leads=500)
json.dump(r, open("conversion.json", "w"))
PY
for id in conv-1 aware-1; do
  values=conversion.json
  [ "${id}" = aware-1 ] && values=awareness.json
  run campaign submit "${store[@]}" --type product-launch --title "${id}" \
    --id "${id}" --values "${values}" --as "${manager}"
  expect_eq "submit ${id}" "${code}" 0
done

# events CAMPAIGN TYPE: how many events of TYPE the campaign has.
count_events() {
  "${livesop}" campaign show "$1" "${store[@]}" --events --json 2>/dev/null |
    py 'len([e for e in d["events"] if e["type"] == "'"$2"'"])'
}

# --- an ad platform's export, headers recognised --------------------------------

cat >meta.csv <<'CSV'
Reporting starts,Campaign name,Amount spent (IDR),Impressions,Reach,Link clicks,Results,Leads,Purchase conversion value
2026-03-01,Spring,"1,250,000",120000,80000,2400,90,210,"6,000,000"
2026-03-01,Spring (retargeting),"250,000",20000,10000,600,10,40,"1,000,000"
2026-03-02,Spring,"1,100,000",110000,70000,2100,80,190,"5,500,000"
CSV
run_json results import meta.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}" --json
expect_eq "import exit" "${code}" 0
expect_eq "columns recognised by their usual names" \
  "$(py '(d["columns"]["spend"], d["columns"]["conversions"], d["columns"]["revenue"], d["date_column"])' <<<"${out}")" \
  "('Amount spent (IDR)', 'Results', 'Purchase conversion value', 'Reporting starts')"
expect_eq "totals over the file" \
  "$(py '(d["rows"], d["totals"]["spend"], d["totals"]["leads"], d["ignored"])' <<<"${out}")" \
  "(3, 2600000.0, 440.0, ['Campaign name'])"
expect_eq "one results_imported event" "$(count_events conv-1 results_imported)" 1

run_json results show conv-1 "${store[@]}" --json
expect_eq "results show exit" "${code}" 0
expect_eq "the conversion objective's KPIs against their targets" \
  "$(py '[(k["id"], round(k["actual"], 2), k["target"], k["target_source"], k["status"]) for k in d["kpis"]]' <<<"${out}")" \
  "[('leads', 440.0, 500.0, 'request', 'missed'), ('conversion-rate', 3.53, 3.0, 'sop', 'met'), ('cpa', 14444.44, 150000.0, 'sop', 'met'), ('roas', 4.81, 4.0, 'sop', 'met')]"
expect_eq "the days imported" \
  "$(py '(d["first_day"], d["last_day"], d["imports"])' <<<"${out}")" \
  "('2026-03-01', '2026-03-02', 1)"

# A re-export with corrected figures for 2 March replaces that day only.
cat >meta-fix.csv <<'CSV'
Date,Amount spent (IDR),Impressions,Link clicks,Results,Leads,Purchase conversion value
2026-03-02,"1,000,000",110000,2100,100,250,"7,000,000"
2026-03-03,"900,000",90000,1500,50,100,"3,000,000"
CSV
run results import meta-fix.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "second import exit" "${code}" 0
run_json results show conv-1 "${store[@]}" --json
expect_eq "a later import of a day replaces it" \
  "$(py '(d["totals"]["spend"], d["totals"]["leads"], d["imports"])' <<<"${out}")" \
  "(3400000.0, 600.0, 2)"
expect_eq "the brief's leads target is met now" \
  "$(py '[k["status"] for k in d["kpis"] if k["id"] == "leads"]' <<<"${out}")" \
  "['met']"
run results show conv-1 "${store[@]}"
expect_matches "results as text" "${out}" 'Qualified leads +600 +>= 500 \(brief\) +met'

# --- an email tool's export: a mapping and decimal commas ------------------------

cat >email.csv <<'CSV'
Kampanye;Terkirim;Klik unik;Biaya
aware-1;"12.000";"360";"1.500.000,50"
conv-1;"8.000";"100";"500.000"
CSV
run_json results import email.csv --channel email --campaign-column Kampanye \
  --map emails_sent=Terkirim --map clicks="Klik unik" --map spend=Biaya \
  --decimal-comma --as "${manager}" "${store[@]}" --json
expect_eq "multi-campaign import exit" "${code}" 0
expect_eq "both campaigns recorded, undated totals" \
  "$(py '(d["campaigns"], d["date_column"], d["totals"]["spend"])' <<<"${out}")" \
  "(['aware-1', 'conv-1'], '', 2000000.5)"
run_json results show aware-1 "${store[@]}" --json
expect_eq "per channel" \
  "$(py '(d["by_channel"]["email"]["spend"], d["objective"])' <<<"${out}")" \
  "(1500000.5, 'awareness')"
expect_eq "an awareness KPI without its metrics has no results" \
  "$(py '[k["status"] for k in d["kpis"] if k["id"] == "reach"]' <<<"${out}")" \
  "['no results']"

# --- bad input: a clear error, nothing written ------------------------------------

before="$(count_events conv-1 results_imported)"
printf 'Date,Spend,Clicks\n2026-03-01,100,5\n2026-03-02,abc,5\n' >bad-number.csv
run results import bad-number.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "a cell that is not a number is refused" "${code}" 1
expect_contains "naming file, line and column" "${out}" \
  'bad-number.csv:3: column "Spend": "abc" is not a number'
printf 'Date,Spend,Clicks\n2026-03-01,100,5\n2026-03-02,100\n' >short.csv
run results import short.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "a row with a missing cell is refused" "${code}" 1
expect_contains "naming its line" "${out}" \
  "short.csv:3: 2 fields, but the header has 3 columns"
printf 'Date,Spend,Clicks\n2026-03-01,100,5,9\n' >long.csv
run results import long.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "a row with an extra cell is refused" "${code}" 1
expect_contains "naming its line" "${out}" "long.csv:2: 4 fields"
printf 'Date,Spend\n01/03/2026,100\n' >date.csv
run results import date.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "a date that is not ISO is refused" "${code}" 1
expect_contains "saying what to do" "${out}" "export the report with ISO dates"
printf 'Day,Foo,Bar\n2026-03-01,1,2\n' >unknown.csv
run results import unknown.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "no known metric column is refused" "${code}" 1
expect_contains "listing the header" "${out}" '"Day", "Foo", "Bar"'
run results import unknown.csv --channel instagram --campaign conv-1 \
  --map spend=Cost --as "${manager}" "${store[@]}"
expect_eq "a mapped column that is not there is refused" "${code}" 1
expect_contains "naming it" "${out}" 'no column "Cost", named as the spend column'
run results import unknown.csv --channel instagram --campaign conv-1 \
  --map spnd=Foo --as "${manager}" "${store[@]}"
expect_eq "an unknown metric is refused" "${code}" 1
expect_contains "listing the metrics" "${out}" "the metrics are spend"
: >empty.csv
run results import empty.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "an empty file is refused" "${code}" 1
printf 'Date,Spend\n' >header-only.csv
run results import header-only.csv --channel instagram --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "a header without rows is refused" "${code}" 1
expect_contains "saying so" "${out}" "nothing to import"
run results import meta.csv --channel instagramm --campaign conv-1 \
  --as "${manager}" "${store[@]}"
expect_eq "an unknown channel is refused" "${code}" 1
expect_contains "with the closest" "${out}" 'did you mean "instagram"'
run results import meta.csv --channel instagram --campaign conv-1 \
  --as "${outsider}" "${store[@]}"
expect_eq "someone who is not a person of the SOP may not" "${code}" 1
expect_contains "saying so" "${out}" "not a person of the SOP"
run results import meta.csv --channel instagram --as "${manager}" "${store[@]}"
expect_eq "neither campaign nor column is a usage error" "${code}" 2
run results import meta.csv --channel instagram --campaign conv-1 \
  --map spend "${store[@]}" --as "${manager}"
expect_eq "a malformed --map is a usage error" "${code}" 2
# A multi-campaign file naming an unknown campaign writes nothing at all.
printf 'Campaign,Spend\naware-1,100\nnope,200\n' >multi.csv
aware_before="$(count_events aware-1 results_imported)"
run results import multi.csv --channel email --campaign-column Campaign \
  --as "${manager}" "${store[@]}"
expect_eq "an unknown campaign in the file is refused" "${code}" 1
expect_contains "naming it and its line" "${out}" "no campaign nope (named on line 3"
expect_eq "and the other campaign got nothing" \
  "$(count_events aware-1 results_imported)" "${aware_before}"
expect_eq "nothing was written to conv-1" \
  "$(count_events conv-1 results_imported)" "${before}"
run results show nope "${store[@]}"
expect_eq "results of an unknown campaign" "${code}" 1

finish
