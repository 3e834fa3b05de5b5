// Overview (the front page): the demo's story at a glance, from the ledger: the sites and their
// meters, the measure and what its signed baseline was fitted on, forecasts scored, contracts
// and their last settlement, the money moved, and the energy balance. Each item links to its
// page; an empty ledger shows what will appear there.
import { api } from "../api.js";
import { count, el, quantity, title } from "../format.js";
import { baselineFitText } from "./contracts.js";
import { money, percent, throttled } from "./members.js";

const day = (iso) => (iso ? String(iso).slice(0, 10) : "—");
const contractHref = (id) => `#/contracts/${encodeURIComponent(id)}`;
const nothing = (text) => el("p", { class: "empty" }, text);
const card = (href, id, ...children) => el("a", { class: "card", href, "data-item": id }, ...children);
const KINDS = { ELECTRICITY_IMPORT: "import", ELECTRICITY_EXPORT: "export", GENERATION: "generation",
  STORAGE_CHARGE: "battery charge", STORAGE_DISCHARGE: "battery discharge", GAS: "gas",
  TEMPERATURE: "outdoor temperature", WIND_SPEED: "wind speed" };

export async function home(view) {
  const story = await api("/api/overview");
  const balances = await Promise.all(story.sites.map((s) =>
    api(`/api/sites/${encodeURIComponent(s.site_id)}/dashboard`).catch(() => null)));
  view.replaceChildren(
    title("Overview", story.head === null ? null : el("span", { class: "badge" }, `block #${count(story.head)}`)),
    el("p", { class: "muted" }, "What this ledger holds, at a glance: meters post signed readings, a measure goes in, forecasts are scored against the meters, contracts settle month by month and money moves. Every figure comes from ledger records; follow a link for the records behind it."),
    section("Sites and meters", "sites", story.sites.length
      ? el("div", { class: "cards" }, story.sites.map((s) => card(`#/sites/${encodeURIComponent(s.site_id)}`, s.site_id,
        el("h3", {}, s.name || s.site_id),
        el("p", {}, `${count(s.meters)} meters: ${s.kinds.map((k) => KINDS[k] || k.toLowerCase().replaceAll("_", " ")).join(", ")}`),
        el("p", {}, `${count(s.readings)} readings, data until ${s.data_until ? s.data_until.replace("T", " ").replace("Z", " UTC") : "—"}`),
        s.floor_area_m2 ? el("p", { class: "muted" }, `${count(s.floor_area_m2)} m²`) : null)))
      : nothing("No site yet: a metering authority creates one (smartblocks site create), then its meters are registered.")),
    section("The measure and its baseline", "measures", story.measures.length
      ? el("div", { class: "cards" }, story.measures.map((m) => card(contractHref(m.contract_id), m.contract_id,
        el("h3", {}, `Measure on ${day(m.measure_date)}`),
        m.baseline_fit
          ? el("p", { class: "baseline-fit" }, `Baseline fitted on ${baselineFitText(m.baseline_fit)} (signed in the table)`)
          : el("p", {}, m.baseline_data_from
          ? `Baseline data: ${day(m.baseline_data_from)} to ${day(m.measure_date)} (${count(m.baseline_data_days)} days of ${m.meters.join(", ")} on the ledger before the measure)`
          : `No readings of ${m.meters.join(", ")} before the measure on the ledger`),
        el("p", { class: "muted" }, `${m.contract_id}: baseline ${m.baseline_model || "table"}`))))
      : nothing("No measure yet: a contract's start is the measure's date, and its signed baseline table models the building before it.")),
    section("Forecasts scored", "forecasts", forecasts(story.forecasts)),
    section("Contracts and their last settlement", "contracts", story.contracts.length
      ? el("table", { class: "grid-table", id: "overview-contracts" },
        el("thead", {}, el("tr", {}, ["Contract", "Status", "Settled", "Last settlement", "Avoided", "Paid"].map((h) => el("th", {}, h)))),
        el("tbody", {}, story.contracts.map((c) => {
          const s = c.last_settlement;
          return el("tr", { "data-contract": c.contract_id },
            el("td", {}, el("a", { href: contractHref(c.contract_id) }, c.contract_id), el("br"), el("span", { class: "muted" }, c.title)),
            el("td", {}, c.status),
            el("td", { class: "num" }, `${c.settled_periods} of ${c.periods}`),
            el("td", {}, s ? el("a", { href: `#/address/${s.address}` }, `${s.period_name} ${s.status.toLowerCase()}${s.disputed ? ", disputed" : ""}`) : el("span", { class: "muted" }, "none yet")),
            el("td", { class: "num" }, s ? energy(s.avoided, c) : "—"),
            el("td", { class: "num" }, s ? money(s.paid, c.currency) : "—"));
        })))
      : nothing("No contract yet: an ESCO proposes one from a template (Contracts), the owner accepts, and each period settles from the meters.")),
    section("Money moved", "money", story.money.length
      ? el("div", { class: "figures" }, story.money.map((m) => el("a", { class: "figure", href: m.address ? `#/address/${m.address}` : "#/state/energycontract?type=01", "data-item": m.currency },
        el("span", { class: "label" }, `${m.currency} paid by settlements`),
        el("span", { class: "value" }, money(m.settled, m.currency)),
        el("span", { class: "note" }, `${count(m.payments)} payments; in circulation ${money(m.issued - m.redeemed, m.currency)}, in accounts ${money(m.accounts, m.currency)}, in escrow ${money(m.escrow, m.currency)}`))))
      : nothing("No money on the ledger yet: an issuer issues a currency into accounts, and settlements move it.")),
    section("Energy balance", "balance", story.sites.length
      ? el("div", {}, story.sites.map((s, i) => balance(s, balances[i])))
      : nothing("No meters yet: the balance is import − export + generation + storage discharge − storage charge.")));
  view.onblock = throttled(() => home(view));
}

function section(heading, id, content) {
  return el("section", { id: `overview-${id}` }, el("h2", {}, heading), content);
}

// Energy in a contract's unit: mWh meters in kWh; mL (gas) meters in m³.
function energy(value, contract) {
  return contract.unit === "MILLILITRE" ? quantity(value, "GAS_MILLILITRE") : quantity(value, "MILLIWATT_HOUR");
}

function forecasts(f) {
  if (!f.scored && !f.posted) return nothing("No forecasts yet: a site's forecasters post day-ahead forecasts (smartblocks predict), and each is scored on-chain once the meter's data is in.");
  return el("div", {},
    el("p", {}, `${count(f.posted)} forecasts posted, ${count(f.scored)} scored.`),
    f.latest_months.length
      ? el("div", { class: "figures" }, f.latest_months.map((m) => el("a", { class: "figure", href: `#/meters/${encodeURIComponent(m.meter_id)}`, "data-item": m.meter_id },
        el("span", { class: "label" }, `${m.meter_id}, ${m.month} (${m.slot_s === 3600 ? "hourly" : "daily"})`),
        el("span", { class: "value" }, `CV(RMSE) ${percent(m.cv_rmse_ppm)}`),
        el("span", { class: "note" }, `MAPE ${percent(m.mape_ppm)}, ${count(m.slots)} slots from ${count(m.scores)} scores`))))
      : nothing("None scored yet."));
}

function balance(site, board) {
  const link = `#/sites/${encodeURIComponent(site.site_id)}`;
  if (!board) return el("p", {}, el("a", { href: link }, site.site_id), ": no balance (the dashboard did not answer).");
  const columns = [["previous_month", `${board.previous_month_label} (whole month)`], ["month", `${board.month_label} so far (${board.month_days} days)`]];
  const terms = [["import_mwh", "Import"], ["export_mwh", "− Export"], ["generation_mwh", "+ Generation"],
    ["storage_discharge_mwh", "+ Storage discharge"], ["storage_charge_mwh", "− Storage charge"], ["consumption_mwh", "= Consumption"]];
  return el("div", { class: "overview-balance", "data-site": site.site_id },
    el("h3", {}, el("a", { href: link }, site.name || site.site_id)),
    el("table", { class: "grid-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "kWh"), columns.map(([, label]) => el("th", {}, label)))),
      el("tbody", {}, terms.map(([key, label]) => el("tr", { class: key === "consumption_mwh" ? "total" : null },
        el("td", {}, label), columns.map(([period]) => el("td", { class: "num" }, quantity(board.figures[period]?.[key] ?? 0, "MILLIWATT_HOUR"))))))));
}
