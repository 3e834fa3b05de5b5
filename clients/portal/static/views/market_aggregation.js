// Aggregator agreements (docs/market-aggregation.md): communities, and per community its members
// with their vault balances, each epoch's outcome per DER, and the disputes beside the
// aggregator's connection-meter hours, so the evidence can be compared hour by hour; with a key
// loaded, the forms of its role: join, leave, dispute; admit, sweep; resolve (market_actions.js).
import { api } from "../api.js";
import { el, hash, title } from "../format.js";
import { actionForm, marketShell, select } from "./market_actions.js";

const percent = (ppm) => `${(Number(ppm) / 1e4).toFixed(2)} %`;
const money = (micro, currency = "") => `${(Number(micro) / 1e6).toLocaleString("en-GB", {
  minimumFractionDigits: 2, maximumFractionDigits: 2,
})} ${currency}`.trim();
const kwh = (mwh) => `${(Number(mwh) / 1e6).toLocaleString("en-GB", { maximumFractionDigits: 3 })} kWh`;
const kw = (w) => `${(Number(w) / 1e3).toLocaleString("en-GB", { maximumFractionDigits: 3 })} kW`;
const duration = (s) => (s % 86400 === 0 ? `${s / 86400} d` : s % 3600 === 0 ? `${s / 3600} h` : `${s} s`);
const communityHref = (id) => `#/markets/aggregation/${encodeURIComponent(id)}`;
const addressLink = (address, text) => el("a", { href: `#/address/${address}` }, text);
const memberLink = (key) => el("a", { href: `#/members/${key}` }, hash(key, null, 8));
const meterLink = (id) => el("a", { href: `#/meters/${encodeURIComponent(id)}` }, id);
const table = (id, headers, rows) => el("table", { class: "grid-table", ...(id ? { id } : {}) },
  el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
  el("tbody", {}, rows));

export async function aggregationList(view) {
  const body = await api("/api/markets/aggregation");
  view.replaceChildren(
    title("Aggregator agreements", el("a", { href: "#/markets" }, "← Markets")),
    el("p", { class: "muted" }, "DERs join an aggregator's community with a deposit held in the vault; each epoch is swept from the DER's own meter and the aggregator's meter at its connection point: who met the commitment is paid, the others lose part of their deposit."),
    body.data.length
      ? table("communities", ["Community", "Name", "Aggregator", "Epochs", "Members", "Swept"],
        body.data.map((c) => el("tr", {},
          el("td", {}, el("a", { href: communityHref(c.community_id) }, c.community_id)),
          el("td", {}, c.name),
          el("td", {}, memberLink(c.aggregator)),
          el("td", {}, `${duration(c.epoch_s)} from ${c.first_epoch_start}`),
          el("td", { class: "num" }, `${(c.members || []).length} / ${c.criteria.max_members}`),
          el("td", { class: "num" }, String(c.swept_epochs || 0)))))
      : el("p", { class: "empty" }, "No community on the ledger yet: `smartblocks community open` (or `smartblocks community demo`) opens one."));
  view.onblock = () => aggregationList(view).catch(() => {});
}

function epochSection(epoch, currency) {
  return el("section", { class: "aggregation-epoch", "data-epoch": String(epoch.epoch || 0) },
    el("h3", {}, `Epoch ${epoch.epoch || 0}: ${epoch.start} to ${epoch.end} `,
      el("span", { class: "badge" }, `paid ${money(epoch.paid || 0, currency)}, penalties ${money(epoch.penalties || 0, currency)}`), " ",
      addressLink(epoch.address, "record")),
    (epoch.outcomes || []).length
      ? table(null, ["DER", "Required", "Connection meter", "DER meter", "Met", "Paid", "Penalty", "Released", "Dispute"],
        epoch.outcomes.map((o) => el("tr", { "data-der": o.der, class: o.met ? "met" : "short" },
          el("td", {}, memberLink(o.der)),
          el("td", { class: "num" }, kwh(o.required || 0)),
          el("td", { class: "num", title: `digest ${o.connection_digest}` }, kwh(o.delivered || 0)),
          el("td", { class: "num", title: `digest ${o.der_digest}` }, kwh(o.der_measured || 0)),
          el("td", {}, o.met ? "yes" : "no"),
          el("td", { class: "num" }, o.paid ? money(o.paid, currency) : "—"),
          el("td", { class: "num" }, o.penalty ? money(o.penalty, currency) : "—"),
          el("td", { class: "num" }, o.released ? money(o.released, currency) : "—"),
          el("td", {}, o.disputed ? (o.adjusted ? "adjusted" : "disputed") : "—"))))
      : el("p", { class: "empty" }, "No DER took part (they join for the epochs that start after they joined)."));
}

function disputeSection(d, currency) {
  const connection = d.connection_hours || [];
  return el("section", { class: "aggregation-dispute", "data-der": d.der, "data-epoch": String(d.epoch || 0) },
    el("h3", {}, `Epoch ${d.epoch || 0}: dispute by `, memberLink(d.der), " ",
      el("span", { class: "badge" }, d.status), " ", addressLink(d.address, "record")),
    el("p", {}, d.reason),
    el("p", { class: "muted" },
      `Evidence: the DER meter's ${(d.evidence || []).length} hours, ${kwh(d.evidence_total || 0)} (${d.source === "LEDGER" ? "equal to its day rollups after the sweep" : "hashing to the digest the sweep committed"}, digest `,
      hash(d.evidence_digest, null, 12), `); the sweep credited ${kwh(d.swept_delivered || 0)}.`),
    d.status === "ADJUSTED"
      ? el("p", {}, `Adjusted to ${kwh(d.corrected_delivered || 0)}; the aggregator refunded ${money(d.refund || 0, currency)}. Operator's note: ${d.note}`)
      : d.status === "UPHELD" ? el("p", {}, `Upheld. Operator's note: ${d.note}`) : null,
    table(null, ["Hour", "Connection meter", "DER meter", "Difference"],
      (d.evidence || []).map((h, i) => {
        const cp = connection[i] ? Number(connection[i].sum || 0) : 0;
        const own = Number(h.sum || 0);
        return el("tr", { class: own !== cp ? "differs" : "" },
          el("td", {}, h.hour_start),
          el("td", { class: "num" }, connection[i] && connection[i].count ? kwh(cp) : "no readings"),
          el("td", { class: "num" }, kwh(own)),
          el("td", { class: "num" }, kwh(own - cp)));
      })));
}

// What the loaded key may do here: a DER joins, leaves and disputes its outcome; the aggregator
// admits and sweeps; the operator (setting smartblocks.markets.operator) resolves disputes.
function communityActions(shell, data) {
  const { community, members, epochs, disputes, operators } = data;
  const me = shell.me();
  const fixed = { community_id: community.community_id };
  const mine = members.find((m) => m.der === me && m.status !== "LEFT");
  const forms = [];
  if (me === community.aggregator) {
    for (const m of members.filter((x) => x.status === "PENDING")) {
      forms.push(actionForm(shell, { id: `admit-${m.der.slice(0, 12)}`, title: `DER ${hash(m.der, null, 8).textContent}`, action: "aggregation.admit",
        fixed: { ...fixed, der: m.der }, button: "Admit" }));
    }
    forms.push(actionForm(shell, { id: "sweep-form", title: `Epoch ${community.swept_epochs || 0}`, action: "aggregation.sweep", fixed, button: "Sweep the next epoch" }));
  } else if (!mine) {
    forms.push(actionForm(shell, { id: "join-form", title: "Join with your DER", action: "aggregation.join", fixed, button: "Join",
      fields: [["der_meter", "your DER meter"], ["connection_meter", "the aggregator's connection meter"], ["capacity", "capacity, e.g. 10 kW", "", { size: 10 }],
        ["price", "price per kWh, e.g. 0.15", "", { size: 8 }], ["deposit", "deposit, e.g. 50.00", "", { size: 8 }]] }));
  }
  if (mine && mine.status === "ACTIVE") {
    forms.push(actionForm(shell, { id: "leave-form", action: "aggregation.leave", fixed, button: "Leave (at the end of the epoch)" }));
  }
  const disputable = epochs.filter((e) => (e.outcomes || []).some((o) => o.der === me && !o.disputed));
  if (mine && disputable.length) {
    forms.push(actionForm(shell, { id: "dispute-form", title: "Dispute an epoch (your meter's hours are the evidence)", action: "aggregation.dispute", fixed, button: "Dispute",
      fields: [select("epoch", disputable.map((e) => [String(e.epoch || 0), `epoch ${e.epoch || 0}`]), String(disputable.at(-1).epoch || 0)),
        ["reason", "why the sweep is wrong", "", { size: 30 }]] }));
  }
  if ((operators || []).includes(me)) {
    for (const d of disputes.filter((x) => x.status === "OPEN")) {
      forms.push(actionForm(shell, { id: `resolve-${d.epoch || 0}-${d.der.slice(0, 12)}`, title: `Resolve epoch ${d.epoch || 0} of ${hash(d.der, null, 8).textContent}`,
        action: "aggregation.resolve", fixed: { ...fixed, epoch: d.epoch || 0, der: d.der }, button: "Resolve",
        fields: [select("decision", [["UPHOLD", "uphold"], ["ADJUST", "adjust"]], "UPHOLD"), ["corrected", "credit, e.g. 24 kWh (adjust)", "", { size: 14 }],
          ["note", "the decision's grounds", "", { size: 24 }]] }));
    }
  }
  const role = me === community.aggregator ? "the aggregator" : (operators || []).includes(me) ? "the operator" : mine ? `a ${mine.status.toLowerCase()} member` : "not a member";
  return [el("h2", {}, `Actions (you are ${role})`), forms.length ? el("div", { class: "market-forms" }, forms) : el("p", { class: "muted" }, "Nothing for you to do now.")];
}

export async function aggregationPage(view, communityId) {
  const shell = marketShell(view, (sh) => drawCommunity(sh, communityId));
  await drawCommunity(shell, communityId);
  view.onblock = () => drawCommunity(shell, communityId).catch(() => {});
}

async function drawCommunity(shell, communityId) {
  const body = await api(`/api/markets/aggregation/${encodeURIComponent(communityId)}`);
  const { community, members, epochs, disputes } = body.data;
  const c = community.criteria;
  const cur = community.currency;
  shell.actions([members.map((m) => [m.der, m.status]), community.swept_epochs, epochs.map((e) => (e.outcomes || []).map((o) => o.disputed)), disputes.map((d) => d.status)],
    () => communityActions(shell, body.data));
  shell.head.replaceChildren(title(`Community ${community.community_id}`, el("a", { href: "#/markets/aggregation" }, "← Communities")));
  shell.box.replaceChildren(
    el("p", {}, community.name, " · aggregator ", memberLink(community.aggregator), " · ", addressLink(community.address, "record")),
    el("dl", { class: "kv", id: "community-terms" }, [
      ["Epochs", `${duration(community.epoch_s)} each from ${community.first_epoch_start}; ${community.swept_epochs || 0} swept; data grace ${duration(community.data_grace_s || 0)}; disputes within ${duration(community.dispute_window_s || 0)}`],
      ["Capacity", `${kw(c.min_capacity_w)} to ${kw(c.max_capacity_w)}`],
      ["Price", `at most ${money(c.max_price || 0, cur)}/kWh`],
      ["Deposit", `at least ${money(c.min_deposit || 0, cur)}`],
      ["Commitment", `${percent(c.commitment_ppm || 0)} of capacity × epoch; a shortfall costs ${money(c.penalty_price || 0, cur)}/kWh of the deposit`],
      ["Size limit", `${(community.members || []).length} of ${c.max_members} members`],
    ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("h2", {}, "Members"),
    members.length
      ? table("community-members", ["DER", "Status", "DER meter", "Connection meter", "Capacity", "Price", "Vault", "Met", "Paid", "Penalties"],
        members.map((m) => el("tr", { "data-der": m.der },
          el("td", {}, memberLink(m.der)),
          el("td", {}, m.status),
          el("td", {}, meterLink(m.der_meter)),
          el("td", {}, meterLink(m.connection_meter)),
          el("td", { class: "num" }, kw(m.capacity_w)),
          el("td", { class: "num" }, `${money(m.price || 0, cur)}/kWh`),
          el("td", { class: "num vault" }, addressLink(m.vault_address, money(m.vault, cur))),
          el("td", { class: "num" }, `${m.met || 0} / ${m.epochs || 0}`),
          el("td", { class: "num" }, money(m.paid || 0, cur)),
          el("td", { class: "num" }, money(m.penalised || 0, cur)))))
      : el("p", { class: "empty" }, "No members yet."),
    el("h2", {}, "Disputes"),
    disputes.length ? el("div", { id: "community-disputes" }, disputes.map((d) => disputeSection(d, cur)))
      : el("p", { class: "empty" }, "No disputes."),
    el("h2", {}, "Epochs"),
    epochs.length ? el("div", { id: "community-epochs" }, [...epochs].reverse().map((e) => epochSection(e, cur)))
      : el("p", { class: "empty" }, "No epoch swept yet."),
    el("details", { class: "explain" }, el("summary", {}, "How an epoch is settled"),
      el("p", {}, "Required = capacity × epoch × commitment, rounded up. Delivered = the connection meter's energy over the epoch. A DER that delivered at least what it had to is paid delivered × its price (rounded down) by the aggregator; one that fell short is paid nothing and loses shortfall × penalty price (rounded up, at most its vault). A dispute carries the DER meter's hours; they must hash to the digest the sweep committed, or equal the ledger's rollups now. The operator may credit up to what they show; the aggregator refunds the difference. docs/market-aggregation.md has the formulas and a worked example.")));
}
