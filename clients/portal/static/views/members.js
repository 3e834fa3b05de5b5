// Members: every party key the ledger names, its roles (each from a record), sites, contracts,
// accounts, and a reputation derived from ledger records only (clients/portal/reputation.py).
// Display names are the portal's own off-chain labels, which admins edit here.
import { api, post } from "../api.js";
import { count, el, hash, short, title } from "../format.js";

// ppm as a percentage with one decimal, rounded down like the figures themselves:
// 666,666 ppm -> "66.6 %".
export const percent = (ppm) => (ppm === null || ppm === undefined ? "—" : `${(Math.floor(ppm / 1e3) / 10).toFixed(1)} %`);
// Micro-units of a currency: 1,234,560,000 -> "1,234.56 EUR".
export const money = (micro, currency = "") => `${(Number(micro) / 1e6).toLocaleString("en-GB", {
  minimumFractionDigits: 2, maximumFractionDigits: 2,
})} ${currency}`.trim();

// Re-render on new blocks, but at most every `ms` and never two at once: these pages read many
// records, and a replay commits blocks faster than anyone reads.
export function throttled(render, ms = 5000) {
  let last = Date.now();
  let busy = false;
  return () => {
    if (busy || Date.now() - last < ms) return;
    busy = true;
    last = Date.now();
    render().catch(() => {}).finally(() => { busy = false; });
  };
}

const addressLink = (address, text) => el("a", { href: `#/address/${address}` }, text);
const memberHref = (key) => `#/members/${key}`;
const contractHref = (id) => `#/contracts/${encodeURIComponent(id)}`;

function displayName(m) {
  return m.name ? el("strong", {}, m.name) : el("span", { class: "muted" }, "no display name");
}

export async function memberList(view) {
  const body = await api("/api/members");
  const rows = body.data.map((m) => el("tr", { "data-key": m.key },
    el("td", {}, el("a", { href: memberHref(m.key) }, hash(m.key, null, 8)), el("br"), displayName(m)),
    el("td", {}, el("ul", { class: "roles" }, m.roles.map((r) => el("li", { class: "badge" }, r)))),
    el("td", {}, m.sites.map((s) => el("a", { href: `#/sites/${encodeURIComponent(s.site_id)}` }, s.site_id, " ")),
      m.meters ? el("span", { class: "muted" }, `${count(m.meters)} meter${m.meters === 1 ? "" : "s"}`) : null),
    el("td", {}, m.contracts.map((c) => el("div", {}, el("a", { href: contractHref(c.contract_id) }, c.contract_id), ` (${c.as})`))),
    el("td", { class: "num reputation" }, m.reputation ? percent(m.reputation.reputation_ppm) : el("span", { class: "muted" }, "no record yet"))));
  view.replaceChildren(
    title("Members", el("span", { class: "badge" }, `${body.data.length} keys`)),
    el("p", { class: "muted" }, "Every public key a ledger record names, with the roles those records give it. ", body.directory_note),
    body.data.length
      ? el("table", { class: "grid-table", id: "members" },
        el("thead", {}, el("tr", {}, ["Key", "Roles", "Sites", "Contracts", "Reputation"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows))
      : el("p", { class: "empty" }, "No party keys on the ledger yet: settings, sites, meters, forecasts and contracts name them as they arrive."),
    explainReputation(body.formulas));
  view.onblock = throttled(() => memberList(view));
}

function explainReputation(formulas) {
  return el("details", { class: "explain", open: true },
    el("summary", {}, "How reputation is computed"),
    el("p", {}, "Only from ledger records, in whole parts per million, every division rounded down, so anyone holding the ledger can recompute it. A component applies to a key only when the ledger has inputs for it; the reputation is the mean of the components that apply."),
    el("dl", { class: "kv" }, [
      ["Settlements honoured on time", formulas.payments + ". A due is a payment a settlement or a dispute resolution records with the key as payer; it counts as paid in full when nothing was left unpaid (from escrow or account) at that settlement. Arrears paid later do not count again."],
      ["Disputes raised and won", formulas.disputes + ". Won: the contract's auditor (or, for an epoch, the markets' operator) ADJUSTED it; lost: UPHELD; open disputes wait."],
      ["Forecast accuracy", formulas.forecasts + ". From BlockPredict's Score records of the key's forecasts (scores with no scored slot are left out)."],
      ["Delivery proofs", formulas.delivery + ". Every figure is proved on-chain from BlockMeter readings: the P2P settlement's delivered energy, an epoch sweep's outcome (corrected by a resolution), an auction step's metered export and import."],
      ["Supplier H factor", "Not part of the reputation: each automated supplier keeps its own H factor per member, by its own parameters; the member page shows it as that supplier's score."],
      ["Reputation", formulas.reputation + "."],
    ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
}

export async function member(view, key) {
  const [body, me] = await Promise.all([api(`/api/members/${key}`), api("/api/session")]);
  const m = body.data;
  const rep = m.reputation;
  view.replaceChildren(...[
    title(m.name || `Key ${short(m.key, 8)}`, el("a", { href: "#/members" }, "← Members")),
    el("p", {}, el("code", { class: "wrap", id: "member-key" }, m.key)),
    el("p", { class: "muted" }, body.directory_note),
    me.role === "admin" ? nameForm(view, m) : null,
    el("h2", {}, "Roles"),
    el("table", { class: "grid-table", id: "roles" },
      el("thead", {}, el("tr", {}, el("th", {}, "Role"), el("th", {}, "Because"), el("th", {}, "Record"))),
      el("tbody", {}, m.sources.map((s) => el("tr", {}, el("td", {}, s.role), el("td", {}, s.what),
        el("td", {}, addressLink(s.address, short(s.address, 8))))))),
    m.sites.length ? el("h2", {}, "Sites") : null,
    m.sites.length ? el("ul", {}, m.sites.map((s) => el("li", {},
      el("a", { href: `#/sites/${encodeURIComponent(s.site_id)}` }, s.site_id), ` ${s.name} (${s.as.join(", ")})`))) : null,
    m.meters.length ? el("h2", {}, "Meters it signs readings for") : null,
    m.meters.length ? el("p", {}, m.meters.map((id) => el("a", { href: `#/meters/${encodeURIComponent(id)}` }, id, " "))) : null,
    m.contracts.length ? el("h2", {}, "Contracts") : null,
    m.contracts.length ? el("table", { class: "grid-table" },
      el("thead", {}, el("tr", {}, ["Contract", "As", "Status", "Site"].map((h) => el("th", {}, h)))),
      el("tbody", {}, m.contracts.map((c) => el("tr", {},
        el("td", {}, el("a", { href: contractHref(c.contract_id) }, c.contract_id), el("br"), el("span", { class: "muted" }, c.title)),
        el("td", {}, c.as), el("td", {}, c.status), el("td", {}, c.site_id))))) : null,
    m.markets.length ? el("h2", {}, "Markets") : null,
    m.markets.length ? marketTable(m.markets) : null,
    m.accounts.length ? el("h2", {}, "Accounts") : null,
    m.accounts.length ? el("ul", {}, m.accounts.map((a) => el("li", {}, addressLink(a.address, money(a.balance, a.currency))))) : null,
    el("h2", {}, "Reputation"),
    rep ? reputationTable(rep) : el("p", { class: "empty", id: "reputation" }, "No ledger record to judge this key by yet (no dues, disputes, scored forecasts or delivery obligations)."),
    explainReputation(body.formulas),
  ].filter((node) => node !== null));
}

const MARKET_PAGES = { p2p: "P2P trade", aggregation: "Aggregator agreements", supplier: "Automated supplier", auction: "Local auction" };

// Its places in the four markets, each linked to the record that gives it; a supplier member's
// H factor is that supplier's own score, so it is labelled with the supplier.
function marketTable(markets) {
  return el("table", { class: "grid-table", id: "markets" },
    el("thead", {}, el("tr", {}, ["Market", "Agreement", "As", "Details", "Record"].map((h) => el("th", {}, h)))),
    el("tbody", {}, markets.map((x) => el("tr", { "data-market": x.market },
      el("td", {}, el("a", { href: `#/markets/${x.market}` }, MARKET_PAGES[x.market] || x.market)),
      el("td", {}, el("a", { href: x.market === "p2p" ? "#/markets/p2p" : `#/markets/${x.market}/${encodeURIComponent(x.id)}` }, x.id)),
      el("td", {}, x.as),
      el("td", {}, x.h_ppm === undefined ? x.detail : [
        el("span", { class: "h-factor" }, `H factor ${percent(x.h_ppm)}`),
        el("span", { class: "muted" }, ` (supplier ${x.id}'s own on-chain score, not part of the reputation) `),
        el("br"), x.detail]),
      el("td", {}, addressLink(x.address, short(x.address, 8)))))));
}

function reputationTable(rep) {
  return el("div", { id: "reputation" },
    el("div", { class: "figures big" }, el("div", { class: "figure" },
      el("span", { class: "label" }, "Reputation"), el("span", { class: "value", id: "reputation-value" }, percent(rep.reputation_ppm)),
      el("span", { class: "note" }, rep.formula))),
    el("table", { class: "grid-table", id: "components" },
      el("thead", {}, el("tr", {}, ["Component", "Value", "Inputs", "Records"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rep.components.map((c) => el("tr", { "data-component": c.name },
        el("td", {}, el("strong", {}, c.title), el("br"), el("span", { class: "muted" }, c.formula)),
        el("td", { class: "num" }, c.applies ? percent(c.value_ppm) : el("span", { class: "muted" }, "does not apply")),
        el("td", {}, Object.entries(c.inputs).map(([k, v]) => el("div", {}, `${k.replaceAll("_", " ")}: ${count(v)}`))),
        el("td", {}, c.records.slice(0, 12).map((a) => el("div", {}, addressLink(a, short(a, 8)))),
          c.records.length > 12 ? el("div", { class: "muted" }, `and ${count(c.records.length - 12)} more`) : null))))));
}

function nameForm(view, m) {
  const error = el("p", { class: "error", role: "alert" });
  const input = el("input", { name: "name", value: m.name || "", maxlength: 80, placeholder: "e.g. Bright ESCO Ltd", "aria-label": "Display name" });
  return el("form", { class: "inline-form", id: "name-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await post("/api/admin/directory", { key: m.key, name: input.value });
      await member(view, m.key);
    } catch (err) { error.textContent = err.message; }
  } }, el("label", {}, "Display name (off-chain, this portal only) ", input), el("button", { type: "submit" }, "Save"), error);
}
