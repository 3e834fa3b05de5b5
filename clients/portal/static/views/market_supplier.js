// The automated supplier (docs/market-supplier.md): suppliers, and per supplier its members with
// their H factor and deposit, and each period's declarations, then its results and money split;
// with a key loaded, the forms to join, declare, settle and leave (market_actions.js).
import { api } from "../api.js";
import { el, hash, title } from "../format.js";
import { actionForm, marketShell, select } from "./market_actions.js";

const percent = (ppm) => `${(Number(ppm) / 1e4).toFixed(2)} %`;
const money = (micro, currency = "") => `${(Number(micro) / 1e6).toLocaleString("en-GB", {
  minimumFractionDigits: 2, maximumFractionDigits: 2,
})} ${currency}`.trim();
const kwh = (mwh) => `${(Number(mwh) / 1e6).toLocaleString("en-GB", { maximumFractionDigits: 3 })} kWh`;
const duration = (s) => (s % 86400 === 0 ? `${s / 86400} d` : s % 3600 === 0 ? `${s / 3600} h` : `${s} s`);
const supplierHref = (id) => `#/markets/supplier/${encodeURIComponent(id)}`;
const addressLink = (address, text) => el("a", { href: `#/address/${address}` }, text);
const memberLink = (key) => el("a", { href: `#/members/${key}` }, hash(key, null, 8));

export async function supplierList(view) {
  const body = await api("/api/markets/supplier");
  view.replaceChildren(
    title("Automated suppliers", el("a", { href: "#/markets" }, "← Markets")),
    el("p", { class: "muted" }, "Members declare their usage before each period; the ledger compares it with their own meters, and penalties pay the imbalance cost and the accurate members' rewards."),
    body.data.length
      ? el("table", { class: "grid-table", id: "suppliers" },
        el("thead", {}, el("tr", {}, ["Supplier", "Name", "Operator", "Members", "Periods from", "Price"].map((h) => el("th", {}, h)))),
        el("tbody", {}, body.data.map((s) => el("tr", {},
          el("td", {}, el("a", { href: supplierHref(s.supplier_id) }, s.supplier_id)),
          el("td", {}, s.terms.name),
          el("td", {}, memberLink(s.operator)),
          el("td", { class: "num" }, String(s.members)),
          el("td", {}, `${s.terms.start} (${duration(s.terms.period_s)})`),
          el("td", { class: "num" }, `${money(s.terms.price_per_kwh, s.terms.currency)}/kWh`)))))
      : el("p", { class: "empty" }, "No supplier on the ledger yet: `smartblocks supplier open` (or `smartblocks supplier demo`) opens one."));
  view.onblock = () => supplierList(view).catch(() => {});
}

function resultsTable(period, currency) {
  return el("table", { class: "grid-table supplier-results" },
    el("thead", {}, el("tr", {}, ["Member", "Declared A", "Metered E", "Accuracy", "H before → after", "Penalty", "Reward"].map((h) => el("th", {}, h)))),
    el("tbody", {}, period.results.map((r) => el("tr", { "data-member": r.member },
      el("td", {}, memberLink(r.member)),
      el("td", { class: "num" }, kwh(r.declared_mwh)),
      el("td", { class: "num" }, kwh(r.metered_mwh), r.complete ? null : el("span", { class: "muted" }, " (incomplete)")),
      el("td", { class: "num" }, percent(r.accuracy_ppm)),
      el("td", { class: "num" }, `${percent(r.h_before_ppm)} → ${percent(r.h_after_ppm)}`),
      el("td", { class: "num" }, r.penalty ? money(r.penalty, currency) : "—"),
      el("td", { class: "num" }, r.reward ? money(r.reward, currency) : "—")))));
}

function periodSection(period, currency) {
  const head = el("h3", {}, `Period ${period.period}: ${period.start} to ${period.end} `,
    el("span", { class: "badge" }, period.settled ? "settled" : "open"), " ",
    addressLink(period.address, "record"));
  if (!period.settled) {
    return el("section", { class: "supplier-period", "data-period": String(period.period) }, head,
      el("table", { class: "grid-table" },
        el("thead", {}, el("tr", {}, ["Member", "Declared A", "At"].map((h) => el("th", {}, h)))),
        el("tbody", {}, period.declarations.map((d) => el("tr", {},
          el("td", {}, memberLink(d.member)), el("td", { class: "num" }, kwh(d.usage_mwh)), el("td", {}, d.declared_at))))));
  }
  const net = Number(period.net_imbalance_mwh);
  return el("section", { class: "supplier-period", "data-period": String(period.period) }, head,
    resultsTable(period, currency),
    el("p", { class: "split" },
      `Net imbalance ${net >= 0 ? "+" : ""}${kwh(net)}. Penalties ${money(period.penalties, currency)} = imbalance cost paid ${money(period.imbalance_paid)} `,
      `(of ${money(period.imbalance_cost)}) + rewards ${money(period.rewards)} + remainder ${money(period.remainder)}.`));
}

// A site owner joins with its import meter and a deposit; a member declares its usage before each
// period and leaves once settled; anyone settles a period that has declarations.
function supplierActions(shell, data) {
  const { supplier, members, periods } = data;
  const t = supplier.terms;
  const me = shell.me();
  const fixed = { supplier_id: supplier.supplier_id };
  const mine = members.find((m) => m.member === me && !m.left);
  const forms = [];
  if (mine) {
    // The next period whose declarations may still be open, by this browser's clock (the ledger
    // decides by ledger time).
    const next = Math.max(0, Math.floor((Date.now() / 1000 - Date.parse(t.start) / 1000 + Number(t.declare_lead_s)) / Number(t.period_s)) + 1);
    forms.push(actionForm(shell, { id: "declare-form", title: "Declare your usage", action: "supplier.declare", fixed, button: "Declare",
      fields: [["period", "period", String(next), { size: 5 }], ["usage", "usage, e.g. 240 kWh", "", { size: 14 }]] }));
    forms.push(actionForm(shell, { id: "leave-form", action: "supplier.leave", fixed, button: "Leave (deposit back)" }));
  } else {
    forms.push(actionForm(shell, { id: "join-form", title: "Join with your import meter", action: "supplier.join", fixed, button: "Join",
      fields: [["meter", "your import meter"], ["deposit", `deposit, at least ${money(t.min_deposit, t.currency)}`, "", { size: 16 }]] }));
  }
  const open = periods.filter((p) => !p.settled);
  if (open.length) {
    forms.push(actionForm(shell, { id: "settle-form", title: "Settle a period from the meters", action: "supplier.settle", fixed, button: "Settle",
      fields: [select("period", open.map((p) => [String(p.period), `period ${p.period} (to ${p.end})`]), String(open[0].period))] }));
  }
  return [el("h2", {}, `Actions (you are ${mine ? "a member" : "not a member"})`), el("div", { class: "market-forms" }, forms)];
}

export async function supplierPage(view, supplierId) {
  const shell = marketShell(view, (sh) => drawSupplier(sh, supplierId));
  await drawSupplier(shell, supplierId);
  view.onblock = () => drawSupplier(shell, supplierId).catch(() => {});
}

async function drawSupplier(shell, supplierId) {
  const body = await api(`/api/markets/supplier/${encodeURIComponent(supplierId)}`);
  const { supplier, members, periods } = body.data;
  const t = supplier.terms;
  shell.actions([members.map((m) => [m.member, m.left]), periods.map((p) => [p.period, p.settled])], () => supplierActions(shell, body.data));
  shell.head.replaceChildren(title(`Supplier ${supplier.supplier_id}`, el("a", { href: "#/markets/supplier" }, "← Suppliers")));
  shell.box.replaceChildren(
    el("p", {}, t.name, " · operator ", memberLink(supplier.operator), " · ", addressLink(supplier.address, "record")),
    el("dl", { class: "kv", id: "supplier-terms" }, [
      ["Periods", `${duration(t.period_s)} each from ${t.start}; declarations close ${duration(t.declare_lead_s)} before`],
      ["Imbalance price", `${money(t.price_per_kwh, t.currency)}/kWh`],
      ["Tolerance", percent(t.tolerance_ppm)],
      ["H learning rate", `${percent(t.learning_rate_ppm)} of the gap to the period's accuracy`],
      ["Minimum deposit", money(t.min_deposit, t.currency)],
    ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("h2", {}, "Members and their H factor"),
    members.length
      ? el("table", { class: "grid-table", id: "supplier-members" },
        el("thead", {}, el("tr", {}, ["Member", "Meter", "H", "Deposit", "Pending periods", "Penalties paid", "Rewards received"].map((h) => el("th", {}, h)))),
        el("tbody", {}, members.map((m) => el("tr", { "data-member": m.member },
          el("td", {}, memberLink(m.member), m.left ? el("span", { class: "badge" }, ` left ${m.left_at}`) : null),
          el("td", {}, el("a", { href: `#/meters/${encodeURIComponent(m.meter_id)}` }, m.meter_id)),
          el("td", { class: "num h-factor" }, percent(m.h_ppm)),
          el("td", { class: "num" }, addressLink(m.deposit_address, money(m.deposit, t.currency))),
          el("td", {}, m.pending_periods.join(", ") || "—"),
          el("td", { class: "num" }, money(m.penalties_paid, t.currency)),
          el("td", { class: "num" }, money(m.rewards_received, t.currency))))))
      : el("p", { class: "empty" }, "No members yet."),
    el("h2", {}, "Periods"),
    periods.length ? el("div", { id: "supplier-periods" }, [...periods].reverse().map((p) => periodSection(p, t.currency)))
      : el("p", { class: "empty" }, "Nobody has declared usage yet."),
    el("details", { class: "explain" }, el("summary", {}, "How rewards and penalties are computed"),
      el("p", {}, "Excess X = |E − A| beyond the tolerance band. Penalty = X × price × (2 − H), at most the member's deposit. Members within their band share what the penalties leave after paying the imbalance cost, in proportion to accuracy × (1 + H). H moves the learning rate's share of the way toward the period's accuracy. docs/market-supplier.md has the formulas, rounding and a worked example.")));
}
