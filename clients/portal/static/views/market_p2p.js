// Peer-to-peer trade through a local aggregator (docs/market-p2p.md): the aggregators, every offer
// with its status, and one offer's proof of delivery (settled figures, or a picked offer's preview).
import { api } from "../api.js";
import { el, hash, kv, title } from "../format.js";

const offerHref = (id) => `#/markets/p2p/${encodeURIComponent(id)}`;
const memberLink = (key) => (key ? el("a", { href: `#/members/${key}` }, hash(key, null, 8)) : "—");
const kwh = (mwh) => `${(Number(mwh) / 1e6).toLocaleString("en-GB", { maximumFractionDigits: 3 })} kWh`;

export async function p2pMarket(view) {
  const body = (await api("/api/markets/p2p")).data;
  view.replaceChildren(
    title("Peer-to-peer trade", el("a", { href: "#/markets" }, "← Markets")),
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
  view.onblock = () => p2pMarket(view).catch(() => {});
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

export async function p2pOffer(view, offerId) {
  const o = (await api(`/api/markets/p2p/offers/${encodeURIComponent(offerId)}`)).data;
  const parts = [
    title(`Offer ${o.offer_id}`, el("a", { href: "#/markets/p2p" }, "← Peer-to-peer trade")),
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
  view.replaceChildren(...parts);
  view.onblock = () => p2pOffer(view, offerId).catch(() => {});
}
