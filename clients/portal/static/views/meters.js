// Meters: the list, one meter's chart (zoom day/week/month or a date range; demand in kW; the
// previous period, contract baselines and BlockPredict forecasts over it; CSV), a site's
// dashboard with its KPIs and import / generation / export overlaid.
import { api } from "../api.js";
import { COLOURS, savingsChart, timeChart } from "../charts.js";
import { count, dayLabel, displayUnit, el, kv, mean, quantity, title, when } from "../format.js";

const KIND = {
  ELECTRICITY_IMPORT: "Electricity import", ELECTRICITY_EXPORT: "Electricity export",
  GENERATION: "Generation", GAS: "Gas", HEAT: "Heat", COOLING: "Cooling", WATER: "Water",
  TEMPERATURE: "Temperature", WIND_SPEED: "Wind speed", SOLAR_IRRADIANCE: "Irradiance",
  RELATIVE_HUMIDITY: "Humidity", STORAGE_CHARGE: "Storage charge", STORAGE_DISCHARGE: "Storage discharge",
};

// The electricity balance, term by term: consumption = import − export + generation
// + storage discharge − storage charge (clients/portal/meters.py, energy_figures).
const BALANCE = [
  ["import_mwh", "+", "Import"], ["export_mwh", "−", "Export"], ["generation_mwh", "+", "Generation"],
  ["storage_discharge_mwh", "+", "Storage discharge"], ["storage_charge_mwh", "−", "Storage charge"],
];

function balanceTable(d, periods) {
  const energy = (v) => quantity(v, "MILLIWATT_HOUR");
  return el("table", { class: "grid-table", id: "balance" },
    el("thead", {}, el("tr", {}, ["Term", ...periods.map(([, label]) => label)].map((h) => el("th", {}, h)))),
    el("tbody", {},
      BALANCE.map(([key, sign, label]) => el("tr", { "data-term": key },
        el("td", {}, `${sign} ${label}`),
        ...periods.map(([p]) => el("td", { class: "num" }, energy(d.figures[p][key]))))),
      el("tr", { class: "total", "data-term": "consumption_mwh" },
        el("td", {}, "= Consumption"),
        ...periods.map(([p]) => el("td", { class: "num" }, energy(d.figures[p].consumption_mwh))))));
}

export async function meterList(view) {
  const [{ data: sites }, { data: meters }] = await Promise.all([api("/api/sites"), api("/api/meters")]);
  view.replaceChildren(
    title("Sites and meters"),
    el("div", { class: "cards" }, sites.map((s) => el("a", { class: "card", href: `#/sites/${s.site_id}` },
      el("h3", {}, s.name || s.site_id), el("p", { class: "muted" }, `${s.location || ""} · ${s.floor_area_m2 || "?"} m²`),
      el("span", { class: "link" }, "Dashboard →")))),
    el("table", { class: "grid-table", id: "meters" },
      el("thead", {}, el("tr", {}, ["Meter", "Name", "Site", "Kind", "Readings", "Last window end"].map((h) => el("th", {}, h)))),
      el("tbody", {}, meters.map((m) => el("tr", {},
        el("td", {}, el("a", { href: `#/meters/${m.meter_id}` }, m.meter_id)),
        el("td", {}, m.name || "—"),
        el("td", {}, el("a", { href: `#/sites/${m.site_id}` }, m.site_id)),
        el("td", {}, KIND[m.kind] || m.kind),
        el("td", { class: "num" }, count(m.head?.value_count ?? 0)),
        el("td", { class: "when" }, when(m.head?.last_window_end)))))));
}

const SPAN_DAYS = { day: 1, week: 7, month: 30 };
const isoDay = (unix) => new Date(unix * 1000).toISOString().slice(0, 10);

function shiftDay(day, days) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// The chart's query and the page's link share one set of parameters: zoom, end, start (range),
// show (previous, baseline, forecast), view (energy or demand).
function chartQuery(params) {
  const query = new URLSearchParams({ zoom: params.get("zoom") || "day" });
  for (const key of ["end", "start"]) if (params.get(key)) query.set(key, params.get(key));
  if (params.get("show")) query.set("compare", params.get("show"));
  return query;
}

function meterLink(id, params, changes) {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === "") next.delete(k); else next.set(k, v);
  }
  if (next.get("zoom") !== "range") next.delete("start");
  return `#/meters/${id}?${next}`;
}

// One meter's chart spec: the actuals (bars for energy and volume, a line for a rate; demand in
// kW as a stepped line), then what was asked for beside them.
function meterSeries(s, unit, shown, demand) {
  const bar = s.aggregate === "total" && !demand;
  const actualPoints = demand ? s.points.map((p) => ({ t: p.t, value: p.demand_mw })) : s.points;
  const series = [{ key: "actual", label: demand ? "Demand" : "Actual", kind: bar ? "bars" : (demand ? "step" : "line"),
    points: actualPoints, unit: demand ? "MILLIWATT" : unit }];
  const asDemand = (points, bucket) => points.map((p) => ({ t: p.t, value: demand ? Math.floor((p.value * 3600) / bucket) : p.value }));
  if (shown.has("previous") && s.previous) {
    const days = Math.round(s.previous.shift_s / 86400);
    const label = { day: "Previous day", week: "Previous week" }[s.zoom] || `Previous ${days} days`;
    series.push({ key: "previous", label, kind: "step", dash: [6, 4],
      points: demand ? s.previous.points.map((p) => ({ t: p.t, value: p.demand_mw })) : s.previous.points, unit: demand ? "MILLIWATT" : unit });
  }
  for (const b of (shown.has("baseline") && s.baselines) || []) {
    series.push({ key: "baseline", label: `Baseline (${b.contract_id})`, kind: "step", points: asDemand(b.points, s.bucket_s),
      unit: demand ? "MILLIWATT" : unit, dash: [3, 3] });
  }
  for (const f of (shown.has("forecast") && s.forecast?.forecasts) || []) {
    // An hourly forecast under minute readings: the hour's energy spread evenly over its minutes.
    const per = s.bucket_s / s.forecast.bucket_s;
    const points = f.points.flatMap((p) => (per >= 1 ? [p]
      : Array.from({ length: Math.round(1 / per) }, (_, i) => ({ t: p.t + i * s.bucket_s, value: p.value * per }))));
    series.push({ key: "forecast", label: `Forecast (${f.model})`, kind: "step", points: asDemand(points, s.bucket_s),
      unit: demand ? "MILLIWATT" : unit });
  }
  return series;
}

export async function meter(view, id, params) {
  const zoom = params.get("zoom") || "day";
  const shown = new Set((params.get("show") || "").split(",").filter(Boolean));
  const demand = params.get("view") === "demand";
  const [s, accuracy] = await Promise.all([
    api(`/api/meters/${encodeURIComponent(id)}/series?${chartQuery(params)}`),
    api(`/api/meters/${encodeURIComponent(id)}/accuracy`).catch(() => ({ data: [] })),
  ]);
  const shownStart = isoDay(s.start);
  const shownEnd = isoDay(s.end - 86400);
  const span = (s.end - s.start) / 86400;
  // Zooming in from a month lands on its newest day with readings, not on an empty day.
  const anchor = shownEnd > s.latest_day ? s.latest_day : shownEnd;
  const link = (changes) => meterLink(id, params, changes);
  const r = s.rollups;
  const m = s.meter;
  const unit = displayUnit(s.unit, m.kind);  // gas in m³
  const energy = s.unit === "MILLIWATT_HOUR";
  const toggle = (key, label) => {
    const next = new Set(shown);
    if (next.has(key)) next.delete(key); else next.add(key);
    return el("a", { href: link({ show: [...next].join(",") }), class: shown.has(key) ? "active" : null, "data-show": key }, label);
  };
  const range = el("form", { class: "range", id: "range-form" },
    el("input", { type: "date", name: "start", value: shownStart, "aria-label": "from" }),
    el("span", {}, "–"),
    el("input", { type: "date", name: "end", value: shownEnd, "aria-label": "to" }),
    el("button", { type: "submit", class: "button" }, "Show"));
  range.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = link({ zoom: "range", start: range.start.value, end: range.end.value });
  });
  const chart = timeChart({
    name: `${m.meter_id}-${shownStart}-${shownEnd}${demand ? "-demand" : ""}`,
    unit: demand ? "MILLIWATT" : unit, start: s.start, end: s.end, bucket_s: s.bucket_s,
    series: meterSeries(s, unit, shown, demand),
    // The shaded band between the baseline and the actuals: energy avoided (or not).
    bands: [["baseline", "actual", "rgba(46,157,91,0.18)"]],
  });
  const noBaseline = shown.has("baseline") && (!s.baselines?.length
    ? "No contract on the ledger models this meter alone, so there is no baseline to compare with."
    : s.baselines.every((b) => !b.points.length) ? "The contract's baseline is per day: zoom to a month or a longer range to see it." : null);
  const noForecast = shown.has("forecast") && !s.forecast?.forecasts.length ? "No BlockPredict forecast of this meter in this span." : null;
  view.replaceChildren(...[
    title(m.name || m.meter_id, el("span", { class: "badge" }, KIND[m.kind] || m.kind)),
    el("p", { class: "muted" }, "Site ", el("a", { href: `#/sites/${m.site_id}` }, m.site_id),
      ` · meter id ${m.meter_id} · ${m.mode === "CUMULATIVE" ? "register" : "interval"} readings every ${m.nominal_interval_s} s`),
    el("div", { class: "toolbar" },
      el("div", { class: "segmented", role: "group", "aria-label": "zoom" },
        ["day", "week", "month"].map((z) => el("a", { href: link({ zoom: z, end: anchor }), class: z === zoom ? "active" : null, "data-zoom": z }, z))),
      el("div", { class: "period" },
        el("a", { class: "button", href: link({ end: shiftDay(shownEnd, -span), start: zoom === "range" ? shiftDay(shownStart, -span) : null }), title: "earlier" }, "←"),
        el("span", {}, `${shownStart} – ${shownEnd}`),
        el("a", { class: "button", href: link({ end: shiftDay(shownEnd, span), start: zoom === "range" ? shiftDay(shownStart, span) : null }), title: "later" }, "→")),
      range),
    el("div", { class: "toolbar" },
      energy ? el("div", { class: "segmented", role: "group", "aria-label": "view" },
        el("a", { href: link({ view: null }), class: demand ? null : "active", "data-view": "energy" }, "energy"),
        el("a", { href: link({ view: "demand" }), class: demand ? "active" : null, "data-view": "demand", title: "mean power per bucket, kW" }, "demand")) : null,
      el("div", { class: "segmented", role: "group", "aria-label": "compare" },
        toggle("previous", "previous period"),
        s.aggregate === "total" ? toggle("baseline", "baseline") : null,
        s.aggregate === "total" ? toggle("forecast", "forecast") : null)),
    chart,
    noBaseline ? el("p", { class: "muted note" }, noBaseline) : null,
    noForecast ? el("p", { class: "muted note" }, noForecast) : null,
    el("div", { class: "figures" },
      // Energy and volume add up; temperatures and speeds are shown as mean, lowest, highest.
      ...(s.aggregate === "total" ? [
        figure("Total", quantity(r.total, unit, 1)),
        figure(`Mean per ${{ interval: "reading", hour: "hour", day: "day" }[s.resolution]}`,
          s.points.length ? mean(Math.floor(r.total / s.points.length), unit) : "—"),
      ] : [
        figure("Mean", mean(r.mean, unit)),
        figure("Lowest reading", mean(r.min, unit)),
      ]),
      figure(s.aggregate === "total" ? "Largest reading" : "Highest reading", mean(r.max, unit)),
      r.peak_demand_mw !== null && r.peak_demand_mw !== undefined
        ? figure("Peak demand", mean(r.peak_demand_mw, "MILLIWATT"), `largest reading over its ${m.nominal_interval_s} s`) : null,
      s.previous?.rollups && s.aggregate === "total" ? figure("Previous period", quantity(s.previous.rollups.total, unit, 1),
        changeNote(r.total, s.previous.rollups.total)) : null,
      s.previous?.rollups && s.aggregate === "mean" ? figure("Previous period mean", mean(s.previous.rollups.mean, unit)) : null,
      figure("Readings", count(r.count)),
      figure("Flagged", count(r.flagged_count)), figure("Gaps", count(r.gap_count))),
    accuracy.data.length ? accuracyTable(accuracy.data, unit) : null,
    el("h2", {}, "Meter head on the ledger"),
    kv([["First window", when(m.head?.first_window_start)], ["Last window end", when(m.head?.last_window_end)],
      ["Windows", count(m.head?.window_count ?? 0)], ["Values", count(m.head?.value_count ?? 0)]]),
  ].filter(Boolean));  // replaceChildren would show a null as "null"
  view.onblock = () => meter(view, id, params).catch(() => {});
}

function changeNote(now, before) {
  if (!before) return null;
  const change = ((now - before) / Math.abs(before)) * 100;
  return `this period ${change >= 0 ? "+" : "−"}${Math.abs(change).toFixed(1)} %`;
}

const percent = (ppm) => `${(ppm / 1e4).toFixed(2)} %`;

// BlockPredict's MonthAccuracy records, as the processor wrote them (docs/blockpredict.md).
function accuracyTable(rows, unit) {
  return el("section", {},
    el("h2", {}, "Forecast accuracy per month"),
    el("p", { class: "muted" }, "BlockPredict's own records: every scored forecast's slots of the month, all forecasters."),
    el("table", { class: "grid-table", id: "accuracy" },
      el("thead", {}, el("tr", {}, ["Month", "Slots", "Scored", "Forecasts", "MAE", "Bias", "MAPE", "CV(RMSE)"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.map((a) => el("tr", { "data-month": a.month },
        el("td", {}, a.month), el("td", {}, a.slot_s === 3600 ? "hours" : "days"),
        el("td", { class: "num" }, count(a.slots)), el("td", { class: "num" }, count(a.scores)),
        el("td", { class: "num" }, mean(a.mae, unit)), el("td", { class: "num" }, mean(a.bias, unit)),
        el("td", { class: "num" }, percent(a.mape_ppm)), el("td", { class: "num" }, percent(a.cv_rmse_ppm)))))));
}

// A dashboard cell: an energy or volume total, or a rate's mean (marked, so nobody adds it up).
function periodFigure(m, value) {
  if (value === null) return "—";
  const unit = displayUnit(m.unit, m.kind);
  return m.aggregate === "mean" ? `${mean(value, unit)} mean` : quantity(value, unit);
}

function figure(label, value, note) {
  return el("div", { class: "figure" }, el("span", { class: "label" }, label),
    el("span", { class: "value" }, value), note ? el("span", { class: "note" }, note) : null);
}

export async function site(view, id, params) {
  const day = params.get("day");
  const chartZoom = params.get("chart") || "week";
  const site = encodeURIComponent(id);
  const [d, kpis, overlay] = await Promise.all([
    api(`/api/sites/${site}/dashboard${day ? `?day=${day}` : ""}`),
    api(`/api/sites/${site}/kpis${day ? `?day=${day}` : ""}`),
    api(`/api/sites/${site}/series?zoom=${chartZoom}${day ? `&end=${day}` : ""}`),
  ]);
  const f = d.figures;
  const share = (x) => (x.generation_share_ppm === null ? "—" : `${(x.generation_share_ppm / 1e4).toFixed(1)} %`);
  const energy = (v) => quantity(v, "MILLIWATT_HOUR");
  // "today" only when as_of is the current UTC day; replayed or older data names its date.
  const dayName = dayLabel(d.as_of);
  // On the 1st the month so far is that one day: say so, and show the previous whole month too.
  const firstDay = d.month_days === 1;
  const monthNote = firstDay ? "1st of the month: the same as the day" : `${d.month_days} days so far`;
  const periods = [["today", dayName], ["month", firstDay ? `${d.month_label} (= the day)` : d.month_label]];
  if (firstDay) periods.push(["previous_month", d.previous_month_label]);
  // Name the generation meters themselves: no "PV" unless the site has one.
  const sources = d.generation_meters.length ? `${d.generation_meters.join(" + ")} of consumption` : "no generation meters";
  view.replaceChildren(
    title(d.site.name || d.site.site_id, el("span", { class: "muted" }, `as of ${d.as_of} (UTC, newest readings)`)),
    el("div", { class: "figures big" },
      figure(`Consumption ${dayName}`, energy(f.today.consumption_mwh), dayName === "today" ? d.as_of : "UTC day of the newest readings"),
      figure(`Consumption ${d.month_label}`, energy(f.month.consumption_mwh), monthNote),
      firstDay ? figure(`Consumption ${d.previous_month_label}`, energy(f.previous_month.consumption_mwh), "previous month") : null,
      figure(`Generation share ${dayName}`, share(f.today), sources),
      figure(`Generation share ${d.month_label}`, share(f.month), firstDay ? monthNote : null),
      firstDay ? figure(`Generation share ${d.previous_month_label}`, share(f.previous_month), "previous month") : null,
      figure(`Imported ${d.month_label}`, energy(f.month.import_mwh)),
      figure(`Generated ${d.month_label}`, energy(f.month.generation_mwh))),
    el("h2", {}, "Key figures"),
    kpiFigures(kpis),
    el("h2", {}, "Import, generation and export"),
    el("div", { class: "toolbar" },
      el("div", { class: "segmented", role: "group", "aria-label": "chart zoom" },
        ["day", "week", "month"].map((z) => el("a", {
          href: `#/sites/${id}?${new URLSearchParams({ ...(day ? { day } : {}), chart: z })}`,
          class: z === chartZoom ? "active" : null, "data-chart-zoom": z }, z)))),
    overlayChart(overlay),
    kpis.contracts.length ? savingsTable(kpis.contracts) : "",
    el("h2", {}, "Electricity balance"),
    balanceTable(d, periods),
    el("h2", {}, "Meters"),
    el("table", { class: "grid-table", id: "site-meters" },
      el("thead", {}, el("tr", {}, ["Meter", "Kind", ...periods.map(([, label]) => label)].map((h) => el("th", {}, h)))),
      el("tbody", {}, d.meters.map((m) => el("tr", {},
        el("td", {}, el("a", { href: `#/meters/${m.meter_id}` }, m.name || m.meter_id)),
        el("td", {}, KIND[m.kind] || m.kind),
        ...periods.map(([p]) => el("td", { class: "num" }, periodFigure(m, m[p]))))))));
  view.onblock = () => site(view, id, params).catch(() => {});
}

// The site's KPIs (clients/portal/kpis.py has the rules): a year of energy per m², peak
// demand, generation share; figures an engineer can recompute from the meters.
function kpiFigures(k) {
  const y = k.year;
  const perM2 = (v, unit) => (v === null ? "—" : `${quantity(v, unit, 1)}/m²`);
  const annualised = y.days_covered < 365 ? `annualised from ${count(y.days_covered)} days with data` : `${y.start} – ${y.end}`;
  const share = y.generation_share_ppm === null ? "—" : `${(y.generation_share_ppm / 1e4).toFixed(1)} %`;
  const peak = k.peak_demand;
  const peakMeter = peak.meters.find((m) => m.peak_mw === peak.peak_mw);
  return el("div", { class: "figures", id: "kpis" },
    figure("Energy use intensity, electricity", perM2(y.eui_mwh_per_m2, "MILLIWATT_HOUR"),
      k.floor_area_m2 ? `per year; ${count(k.floor_area_m2)} m², ${annualised}` : "the site record has no floor area"),
    y.gas_ml_per_m2 !== null ? figure("Gas intensity", perM2(y.gas_ml_per_m2, "GAS_MILLILITRE"), `per year; ${annualised}`) : null,
    figure("Peak demand", peak.peak_mw === null ? "—" : mean(peak.peak_mw, "MILLIWATT"),
      peakMeter ? `${peakMeter.name}, ${peakMeter.day} (${peak.start} – ${peak.end}; largest reading over its ${peakMeter.interval_s} s)` : null),
    figure("Generation share, year", share, y.generation_meters.length ? y.generation_meters.join(" + ") : "no generation meters"),
    ...k.contracts.map((c) => {
      const unit = c.unit === "MILLILITRE" ? "GAS_MILLILITRE" : c.unit;
      const note = c.to_date.guarantee !== null
        ? `guaranteed ${quantity(c.to_date.guarantee, unit, 1)} over ${c.periods.length} periods`
        : `${c.periods.length} settled periods`;
      return figure(`Savings to date, ${c.contract_id}`, quantity(c.to_date.avoided, unit, 1), note);
    }));
}

function overlayChart(o) {
  const order = ["import", "generation", "export", "storage_discharge", "storage_charge"];
  const label = { import: "Import", generation: "Generation", export: "Export",
    storage_discharge: "Storage discharge", storage_charge: "Storage charge" };
  const used = order.filter((k) => o.terms[k].some((v) => v !== 0));
  const pointsOf = (values) => o.t.map((t, i) => ({ t, value: values[i] }));
  return timeChart({
    name: `${o.site_id}-balance-${new Date(o.start * 1000).toISOString().slice(0, 10)}`,
    unit: "MILLIWATT_HOUR", start: o.start, end: o.end, bucket_s: o.bucket_s,
    series: [
      { key: "consumption", label: "Consumption", kind: "step", points: pointsOf(o.consumption) },
      ...used.map((k) => ({ key: k, label: label[k], kind: "step", points: pointsOf(o.terms[k]), colour: COLOURS[k] })),
    ],
  });
}

// Baseline against actual per contract, as settled (the contract page has the details).
function savingsTable(contracts) {
  return el("section", {},
    el("h2", {}, "Baseline and actual, as settled"),
    el("table", { class: "grid-table", id: "savings" },
      el("thead", {}, el("tr", {}, ["Contract", "Periods", "Adjusted baseline", "Actual", "Avoided", "Guaranteed"].map((h) => el("th", {}, h)))),
      el("tbody", {}, contracts.map((c) => {
        const unit = c.unit === "MILLILITRE" ? "GAS_MILLILITRE" : c.unit;
        const t = c.to_date;
        return el("tr", { "data-contract": c.contract_id },
          el("td", {}, c.contract_id), el("td", { class: "num" }, `${count(c.periods.length)} of ${count(c.periods_in_term)}`),
          el("td", { class: "num" }, quantity(t.adjusted_baseline, unit, 1)), el("td", { class: "num" }, quantity(t.actual, unit, 1)),
          el("td", { class: "num" }, quantity(t.avoided, unit, 1)),
          el("td", { class: "num" }, t.guarantee === null ? "—" : quantity(t.guarantee, unit, 1)));
      }))),
    ...contracts.map((c) => el("div", { class: "savings-chart", "data-contract": c.contract_id },
      el("h3", {}, `${c.contract_id}: avoided energy${c.guarantee ? " against the guarantee" : ""}`), savingsChart(c))));
}
