// Peer-to-peer trade through a local aggregator (docs/market-p2p.md): the aggregators, every offer
// with its status, and one offer's proof of delivery (settled figures, or a picked offer's preview);
// with a key loaded, the forms to offer, buy tokens, pick, cancel and settle (market_actions.js).
import { api } from "../api.js";
import { el, hash, kv, title } from "../format.js";
import { actionForm, marketShell, select } from "./market_actions.js";

const offerHref = (id) => `#/markets/p2p/${encodeURIComponent(id)}`;
const memberLink = (key) => (key ? el("a", { href: `#/members/${key}` }, hash(key, null, 8)) : "—");
const kwh = (mwh) => `${(Number(mwh) / 1e6).toLocaleString("en-GB", { maximumFractionDigits: 3 })} kWh`;

// Any key may offer energy from its export meter and buy an aggregator's platform tokens.
function marketActions(shell, body) {
  const aggregators = body.aggregators.map((a) => [a.aggregator, `${a.name} (${a.currency})`]);
  const selling = body.aggregators.filter((a) => a.rate).map((a) => [a.aggregator, `${a.name}: ${a.rate} ${a.currency} per ${a.pay_currency}`]);
  const hour = new Date(Math.ceil(Date.now() / 3600e3) * 3600e3).toISOString().slice(0, 16);
  return [
    el("h2", {}, "Trade"),
    aggregators.length ? actionForm(shell, {
      id: "p2p-add-form", title: "Offer energy", action: "p2p.add", button: "Add offer",
      fields: [["offer_id", "offer id, e.g. pv-0310-10"], select("aggregator", aggregators),
        ["export_meter", "your export meter"], ["energy", "energy, e.g. 10 kWh"], ["price", "price per kWh, e.g. 0.20", "", { size: 8 }],
        ["start", "window start (UTC)", hour, { size: 16 }], ["hours", "hours", "1", { size: 4 }]],
    }) : null,
    selling.length ? actionForm(shell, {
      id: "p2p-tokens-form", title: "Buy platform tokens", action: "p2p.buy_tokens", button: "Buy tokens",
      fields: [select("aggregator", selling), ["amount", "amount to pay, e.g. 50.00", "", { size: 10 }]],
    }) : null,
  ];
}

export async function p2pMarket(view) {
  const shell = marketShell(view, drawMarket);
  await drawMarket(shell);
  view.onblock = () => drawMarket(shell).catch(() => {});
}

async function drawMarket(shell) {
  const body = (await api("/api/markets/p2p")).data;
  shell.actions(body.aggregators, () => marketActions(shell, body));
  shell.head.replaceChildren(title("Peer-to-peer trade", el("a", { href: "#/markets" }, "← Markets")));
  shell.box.replaceChildren(
    el("p", { class: "muted" }, "Prosumers offer energy from their export meter for a delivery window; a consumer picks an offer and pays into escrow; after the window the ledger proves delivery from both meters, pays the seller pro rata less the aggregator's fee and refunds the rest."),
    el("h3", {}, "Aggregators"),
    body.aggregators.length
      ? el("table", { class: "grid-table", id: "p2p-aggregators" },
        el("thead", {}, el("tr", {}, ["Name", "Key", "Currency", "Fee", "Tokens for sale"].map((h) => el("th", {}, h)))),
        el("tbody", {}, body.aggregators.map((a) => el("tr", {},
          el("td", {}, a.name), el("td", {}, memberLink(a.aggregator)), el("td", {}, a.currency),
          el("td", { class: "num" }, a.fee),
          el("td", {}, a.rate ? `${a.rate} ${a.currency} per ${a.pay_currency}` : "—")))))
      : el("p", { class: "empty" }, "No aggregator yet: `smartblocks aggregator set` (a key in the setting smartblocks.energycontract.aggregators)."),
    el("h3", {}, "Offers"),
    body.offers.length
      ? el("table", { class: "grid-table", id: "p2p-offers" },
        el("thead", {}, el("tr", {}, ["Offer", "Status", "Energy", "Price", "Window", "Seller", "Buyer", "Delivered"].map((h) => el("th", {}, h)))),
        el("tbody", {}, body.offers.map((o) => el("tr", { "data-offer": o.offer_id },
          el("td", {}, el("a", { href: offerHref(o.offer_id) }, o.offer_id)),
          el("td", {}, el("span", { class: `badge p2p-${o.status.toLowerCase()}` }, o.status)),
          el("td", { class: "num" }, o.energy),
          el("td", { class: "num" }, o.price),
          el("td", {}, `${o.window_start} → ${o.window_end}`),
          el("td", {}, memberLink(o.seller)),
          el("td", {}, memberLink(o.buyer)),
          el("td", { class: "num" }, o.status === "SETTLED" ? o.delivered : "—")))))
      : el("p", { class: "empty" }, "No offers yet: `smartblocks offer add` (or `smartblocks offer demo`)."));
}

const ENERGY = ["available", "delivered", "exported", "imported", "offered"];
const MONEY = ["fee", "payment", "refund", "seller"];

function figures(title_, values, currency) {
  const shown = (name, value) => (ENERGY.includes(name) ? kwh(value)
    : MONEY.includes(name) ? `${(Number(value) / 1e6).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 6 })} ${currency}`
      : String(value));
  const rows = Object.entries(values).map(([name, value]) => [name, shown(name, value)]);
  return el("section", { class: "p2p-proof" }, el("h3", {}, title_), kv(rows));
}

// The buyer picks an open offer, the seller cancels it, anyone settles a picked one.
function offerActions(shell, o) {
  const me = shell.me();
  const fixed = { offer_id: o.offer_id };
  const forms = [];
  if (o.status === "OPEN" && me !== o.seller) {
    forms.push(actionForm(shell, { id: "p2p-pick-form", title: "Buy it", action: "p2p.pick", fixed, button: `Pick (pay ${o.value} into escrow)`,
      fields: [["import_meter", "your import meter"]] }));
  }
  if ((o.status === "OPEN" || o.status === "LAPSED") && me === o.seller) {
    forms.push(actionForm(shell, { id: "p2p-cancel-form", action: "p2p.cancel", fixed, button: "Cancel the offer" }));
  }
  if (o.status === "PICKED") {
    forms.push(actionForm(shell, { id: "p2p-settle-form", action: "p2p.settle", fixed, button: "Settle from both meters" }));
  }
  return [el("h2", {}, "Actions"), forms.length ? el("div", { class: "buttons" }, forms) : el("p", { class: "muted" }, "Nothing to do on this offer now.")];
}

export async function p2pOffer(view, offerId) {
  const shell = marketShell(view, (sh) => drawOffer(sh, offerId));
  await drawOffer(shell, offerId);
  view.onblock = () => drawOffer(shell, offerId).catch(() => {});
}

async function drawOffer(shell, offerId) {
  const o = (await api(`/api/markets/p2p/offers/${encodeURIComponent(offerId)}`)).data;
  shell.actions([o.status], () => offerActions(shell, o));
  shell.head.replaceChildren(title(`Offer ${o.offer_id}`, el("a", { href: "#/markets/p2p" }, "← Peer-to-peer trade")));
  const parts = [
    el("p", {}, el("span", { class: `badge p2p-${o.status.toLowerCase()}`, id: "p2p-status" }, o.status)),
    kv([
      ["Energy", o.energy], ["Price", o.price], ["Value", o.value], ["Aggregator's fee", o.fee],
      ["Delivery window", `${o.window_start} → ${o.window_end}`], ["Open until", o.expires_at],
      ["Seller", memberLink(o.seller)], ["Export meter", o.export_meter],
      ["Buyer", memberLink(o.buyer)], ["Import meter", o.import_meter || "—"],
    ]),
  ];
  if (o.status === "SETTLED") {
    parts.push(el("div", { id: "p2p-payout" }, kv([
      ["Delivered", o.delivered], ["Seller paid", o.seller_paid], ["Aggregator's fee", o.fee_paid], ["Refund to the buyer", o.buyer_refund],
    ])));
    parts.push(figures("Proof of delivery", o.figures, o.currency));
    parts.push(el("p", { class: "muted" }, "Read from: ", ...o.inputs.map((a) => el("a", { href: `#/address/${a}` }, `${a.slice(0, 12)}… `))));
  } else if (o.preview) {
    const { ready, why, ...rest } = o.preview;
    parts.push(el("p", { class: ready ? "notice" : "notice muted", id: "p2p-ready" }, why));
    parts.push(figures("If settled now", rest, o.currency));
  }
  shell.box.replaceChildren(...parts);
}
