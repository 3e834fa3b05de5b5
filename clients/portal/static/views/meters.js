// Meters: the list, one meter's chart (zoom day/week/month), a site's dashboard.
import { api } from "../api.js";
import { barChart } from "../chart.js";
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

function shiftDay(day, zoom, direction) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + direction * ({ day: 1, week: 7, month: 30 }[zoom] || 1));
  return d.toISOString().slice(0, 10);
}

export async function meter(view, id, params) {
  const zoom = params.get("zoom") || "day";
  const end = params.get("end");
  const query = new URLSearchParams({ zoom });
  if (end) query.set("end", end);
  const s = await api(`/api/meters/${encodeURIComponent(id)}/series?${query}`);
  const shownEnd = new Date((s.end - 86400) * 1000).toISOString().slice(0, 10);
  // Zooming in from a month lands on its newest day with readings, not on an empty day.
  const anchor = shownEnd > s.latest_day ? s.latest_day : shownEnd;
  const link = (z, e) => `#/meters/${id}?zoom=${z}&end=${e}`;
  const r = s.rollups;
  const m = s.meter;
  const unit = displayUnit(s.unit, m.kind);  // gas in m³
  view.replaceChildren(
    title(m.name || m.meter_id, el("span", { class: "badge" }, KIND[m.kind] || m.kind)),
    el("p", { class: "muted" }, "Site ", el("a", { href: `#/sites/${m.site_id}` }, m.site_id),
      ` · meter id ${m.meter_id} · ${m.mode === "CUMULATIVE" ? "register" : "interval"} readings every ${m.nominal_interval_s} s`),
    el("div", { class: "toolbar" },
      el("div", { class: "segmented", role: "group", "aria-label": "zoom" },
        ["day", "week", "month"].map((z) => el("a", { href: link(z, anchor), class: z === zoom ? "active" : null, "data-zoom": z }, z))),
      el("div", { class: "period" },
        el("a", { class: "button", href: link(zoom, shiftDay(shownEnd, zoom, -1)), title: "earlier" }, "←"),
        el("span", {}, `${new Date(s.start * 1000).toISOString().slice(0, 10)} – ${shownEnd}`),
        el("a", { class: "button", href: link(zoom, shiftDay(shownEnd, zoom, 1)), title: "later" }, "→"))),
    barChart({ ...s, unit }),
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
      figure("Readings", count(r.count)),
      figure("Flagged", count(r.flagged_count)), figure("Gaps", count(r.gap_count))),
    el("h2", {}, "Meter head on the ledger"),
    kv([["First window", when(m.head?.first_window_start)], ["Last window end", when(m.head?.last_window_end)],
      ["Windows", count(m.head?.window_count ?? 0)], ["Values", count(m.head?.value_count ?? 0)]]));
  view.onblock = () => meter(view, id, params).catch(() => {});
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
  const d = await api(`/api/sites/${encodeURIComponent(id)}/dashboard${day ? `?day=${day}` : ""}`);
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
