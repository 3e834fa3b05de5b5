// The local double auction (docs/market-auction.md): markets; a market's subscribers and steps;
// a step's order book with its supply and demand curves, the clearing price at the midpoint of
// the marginal pair, the matches, and the settlement against the members' meters; with a key
// loaded, the forms to subscribe, bid, ask, clear, settle and finalize (market_actions.js).
import { api } from "../api.js";
import { el, hash, title } from "../format.js";
import { actionForm, marketShell, select } from "./market_actions.js";

const money = (micro, currency = "") => `${(Number(micro) / 1e6).toLocaleString("en-GB", {
  minimumFractionDigits: 2, maximumFractionDigits: 2,
})} ${currency}`.trim();
const price = (micro, currency) => `${money(micro, currency)}/kWh`;
const kwh = (mwh) => `${(Number(mwh) / 1e6).toLocaleString("en-GB", { maximumFractionDigits: 3 })} kWh`;
const signedKwh = (mwh) => `${Number(mwh) > 0 ? "+" : ""}${kwh(mwh)}`;
const duration = (s) => (s % 86400 === 0 ? `${s / 86400} d` : s % 3600 === 0 ? `${s / 3600} h` : `${s / 60} min`);
const auctionHref = (id) => `#/markets/auction/${encodeURIComponent(id)}`;
const stepHref = (id, step) => `${auctionHref(id)}/${step}`;
const addressLink = (address, text) => el("a", { href: `#/address/${address}` }, text);
const memberLink = (key) => el("a", { href: `#/members/${key}` }, hash(key, null, 8));
const th = (names) => el("thead", {}, el("tr", {}, names.map((h) => el("th", {}, h))));

export async function auctionList(view) {
  const body = await api("/api/markets/auction");
  view.replaceChildren(
    title("Local double auctions", el("a", { href: "#/markets" }, "← Markets")),
    el("p", { class: "muted" }, "Members place bids and asks per time step until the gate closes; the ledger clears each step at one price and settles it against the members' own meters."),
    body.data.length
      ? el("table", { class: "grid-table", id: "auctions" }, th(["Market", "Name", "Auctioneer", "Subscribers", "Steps", "Cleared", "Settled", "Status"]),
        el("tbody", {}, body.data.map((a) => el("tr", {},
          el("td", {}, el("a", { href: auctionHref(a.auction_id) }, a.auction_id)),
          el("td", {}, a.terms.name), el("td", {}, memberLink(a.operator)),
          el("td", { class: "num" }, String(a.subscriber_count)),
          el("td", {}, `${a.terms.steps} × ${duration(a.terms.step_s)} from ${a.terms.start}`),
          el("td", { class: "num" }, String(a.cleared_steps)), el("td", { class: "num" }, String(a.settled_steps)),
          el("td", {}, a.finalized ? "finalized" : "open")))))
      : el("p", { class: "empty" }, "No market on the ledger yet: `smartblocks auction open` (or `smartblocks auction demo`) opens one."));
  view.onblock = () => auctionList(view).catch(() => {});
}

// The next step whose gate may still be open, by this browser's clock (the ledger decides).
function nextStep(t) {
  const since = Date.now() / 1000 - Date.parse(t.start) / 1000 + Number(t.gate_s);
  return Math.min(Math.max(0, Math.floor(since / Number(t.step_s)) + 1), Math.max(0, Number(t.steps) - 1));
}

// A member places sealed bids and asks; anyone clears and settles a step; the auctioneer
// finalizes. `step` (a step page) fixes the step; else the forms ask for it.
function auctionActions(shell, auction, steps, step = null) {
  const me = shell.me();
  const t = auction.terms;
  const fixed = { auction_id: auction.auction_id, ...(step === null ? {} : { step }) };
  const subscribed = auction.subscribers.some((s) => s.member === me);
  const stepField = step === null ? [["step", "step", String(nextStep(t)), { size: 5 }]] : [];
  const forms = [];
  if (auction.finalized) return [el("h2", {}, "Actions"), el("p", { class: "muted" }, "The market is finalized.")];
  if (subscribed) {
    forms.push(actionForm(shell, { id: "order-form", title: "Bid (buy)", action: "auction.bid", fixed, button: "Place bid",
      fields: [...stepField, ["energy", "energy, e.g. 10 kWh", "", { size: 12 }], ["price", `limit per kWh (${t.currency}), e.g. 0.25`, "", { size: 16 }]] }));
    forms.push(actionForm(shell, { id: "ask-form", title: "Ask (sell)", action: "auction.ask", fixed, button: "Place ask",
      fields: [...stepField, ["energy", "energy, e.g. 8 kWh", "", { size: 12 }], ["price", `limit per kWh (${t.currency}), e.g. 0.15`, "", { size: 16 }]] }));
  } else if (step === null) {
    forms.push(actionForm(shell, { id: "subscribe-form", title: "Subscribe with your meters", action: "auction.subscribe", fixed, button: `Subscribe (deposit ${money(t.subscription_deposit, t.currency)})`,
      fields: [["import_meter", "your import meter"], ["export_meter", "export meter (optional)"], ["deposit", "deposit", (Number(t.subscription_deposit) / 1e6).toFixed(2), { size: 8 }]] }));
  }
  const toClear = steps.filter((s) => !s.cleared);
  const toSettle = steps.filter((s) => s.cleared && !s.settled);
  if (step === null) {
    if (toClear.length) {
      forms.push(actionForm(shell, { id: "clear-form", title: "Clear a step (after its gate)", action: "auction.clear", fixed, button: "Clear",
        fields: [select("step", toClear.map((s) => [String(s.step), `step ${s.step}`]), String(toClear[0].step))] }));
    }
    if (toSettle.length) {
      forms.push(actionForm(shell, { id: "settle-form", title: "Settle a cleared step from the meters", action: "auction.settle", fixed, button: "Settle",
        fields: [select("step", toSettle.map((s) => [String(s.step), `step ${s.step}`]), String(toSettle[0].step))] }));
    }
    if (me === auction.operator) forms.push(actionForm(shell, { id: "finalize-form", action: "auction.finalize", fixed, button: "Finalize (deposits back)" }));
  } else {
    const here = steps.find((s) => s.step === step);
    if (!here || !here.cleared) forms.push(actionForm(shell, { id: "clear-form", action: "auction.clear", fixed, button: `Clear step ${step}` }));
    else if (!here.settled) forms.push(actionForm(shell, { id: "settle-form", action: "auction.settle", fixed, button: `Settle step ${step}` }));
  }
  const role = me === auction.operator ? "the auctioneer" : subscribed ? "a subscriber" : "not subscribed";
  return [el("h2", {}, `Actions (you are ${role})`), forms.length ? el("div", { class: "market-forms" }, forms) : el("p", { class: "muted" }, "Nothing for you to do now.")];
}

export async function auctionPage(view, auctionId) {
  const shell = marketShell(view, (sh) => drawAuction(sh, auctionId));
  await drawAuction(shell, auctionId);
  view.onblock = () => drawAuction(shell, auctionId).catch(() => {});
}

async function drawAuction(shell, auctionId) {
  const body = await api(`/api/markets/auction/${encodeURIComponent(auctionId)}`);
  const { auction, steps } = body.data;
  const t = auction.terms;
  shell.actions([auction.subscribers.map((s) => s.member), auction.finalized, steps.map((s) => [s.step, s.cleared, s.settled])],
    () => auctionActions(shell, auction, steps));
  shell.head.replaceChildren(title(`Market ${auction.auction_id}`, el("a", { href: "#/markets/auction" }, "← Markets")));
  shell.box.replaceChildren(
    el("p", {}, t.name, " · auctioneer ", memberLink(auction.operator), " · ", addressLink(auction.address, "record"),
      auction.finalized ? el("span", { class: "badge" }, ` finalized ${auction.finalized_at}`) : null),
    el("dl", { class: "kv", id: "auction-terms" }, [
      ["Steps", `${t.steps} × ${duration(t.step_s)} from ${t.start}; orders close ${duration(t.gate_s)} before each`],
      ["Supplier price", `${price(t.supplier_price, t.currency)} (a shortfall: what the community buys from the central market)`],
      ["Feed-in price", `${price(t.feed_in_price, t.currency)} (a surplus)`],
      ["Subscription deposit", money(t.subscription_deposit, t.currency)],
    ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("h2", {}, "Subscribers and their meters"),
    auction.subscribers.length
      ? el("table", { class: "grid-table", id: "subscribers" }, th(["Member", "Import meter", "Export meter", "Since"]),
        el("tbody", {}, auction.subscribers.map((s) => el("tr", {}, el("td", {}, memberLink(s.member)),
          el("td", {}, el("a", { href: `#/meters/${encodeURIComponent(s.import_meter)}` }, s.import_meter)),
          el("td", {}, s.export_meter ? el("a", { href: `#/meters/${encodeURIComponent(s.export_meter)}` }, s.export_meter) : "—"),
          el("td", {}, s.subscribed_at)))))
      : el("p", { class: "empty" }, "Nobody has subscribed yet."),
    el("h2", {}, "Steps"),
    steps.length
      ? el("table", { class: "grid-table", id: "steps" }, th(["Step", "Starts", "Orders", "State", "Price", "Matched"]),
        el("tbody", {}, steps.map((s) => el("tr", { "data-step": String(s.step) },
          el("td", {}, el("a", { href: stepHref(auction.auction_id, s.step) }, String(s.step))),
          el("td", {}, s.start), el("td", { class: "num" }, String(s.orders)),
          el("td", {}, s.settled ? "settled" : s.cleared ? "cleared" : "open"),
          el("td", { class: "num" }, s.cleared && s.volume_mwh ? price(s.price, t.currency) : "—"),
          el("td", { class: "num" }, s.cleared ? kwh(s.volume_mwh) : "—")))))
      : el("p", { class: "empty" }, "No orders yet."));
}

// Demand (bids, highest first) and supply (asks, lowest first) as cumulative step curves.
function curves(step) {
  const bids = step.orders.filter((o) => o.side === "BID").sort((a, b) => b.limit_price - a.limit_price || (a.member < b.member ? -1 : 1));
  const asks = step.orders.filter((o) => o.side === "ASK").sort((a, b) => a.limit_price - b.limit_price || (a.member < b.member ? -1 : 1));
  const total = Math.max(1, bids.reduce((s, o) => s + o.energy_mwh, 0), asks.reduce((s, o) => s + o.energy_mwh, 0));
  const top = Math.max(1, ...step.orders.map((o) => o.limit_price));
  const W = 560, H = 220, P = 32;
  const x = (mwh) => P + (mwh / total) * (W - 2 * P);
  const y = (p) => H - P - (p / top) * (H - 2 * P);
  const path = (orders) => {
    let at = 0;
    let d = "";
    for (const o of orders) {
      d += `${d ? "L" : "M"}${x(at)},${y(o.limit_price)} L${x(at + o.energy_mwh)},${y(o.limit_price)} `;
      at += o.energy_mwh;
    }
    return d;
  };
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "order-curves");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "demand and supply curves");
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text) node.textContent = text;
    svg.append(node);
  };
  add("line", { x1: P, y1: H - P, x2: W - P, y2: H - P, class: "axis" });
  add("line", { x1: P, y1: P, x2: P, y2: H - P, class: "axis" });
  add("path", { d: path(bids), class: "demand" });
  add("path", { d: path(asks), class: "supply" });
  if (step.cleared && step.volume_mwh) {
    add("line", { x1: P, y1: y(step.price), x2: W - P, y2: y(step.price), class: "price" });
    add("line", { x1: x(step.volume_mwh), y1: P, x2: x(step.volume_mwh), y2: H - P, class: "price" });
  }
  add("text", { x: W - P, y: H - 8, "text-anchor": "end" }, "energy →");
  add("text", { x: 4, y: 14 }, "price");
  return el("figure", { class: "curves" }, svg,
    el("figcaption", { class: "muted" }, el("span", { class: "demand-key" }, "— demand (bids)"), " ", el("span", { class: "supply-key" }, "— supply (asks)"),
      step.cleared && step.volume_mwh ? " · dashed: clearing price and volume" : ""));
}

function orderTable(step, side, currency) {
  const fills = Object.fromEntries(step.fills.map((f) => [f.member, f]));
  const orders = step.orders.filter((o) => o.side === side)
    .sort((a, b) => (side === "BID" ? b.limit_price - a.limit_price : a.limit_price - b.limit_price) || (a.member < b.member ? -1 : 1));
  const filled = (o) => (side === "BID" ? fills[o.member]?.bought_mwh : fills[o.member]?.sold_mwh) || 0;
  return el("table", { class: "grid-table", id: side === "BID" ? "bids" : "asks" },
    th(["Member", "Energy", "Limit", step.cleared ? "Matched" : "Submitted"]),
    el("tbody", {}, orders.map((o) => el("tr", { "data-member": o.member, class: step.cleared && filled(o) ? "matched" : null },
      el("td", {}, memberLink(o.member)), el("td", { class: "num" }, kwh(o.energy_mwh)),
      el("td", { class: "num" }, price(o.limit_price, currency)),
      el("td", { class: "num" }, step.cleared ? kwh(filled(o)) : o.submitted_at)))));
}

export async function auctionStep(view, auctionId, stepNumber) {
  const shell = marketShell(view, (sh) => drawStep(sh, auctionId, stepNumber));
  await drawStep(shell, auctionId, stepNumber);
  view.onblock = () => drawStep(shell, auctionId, stepNumber).catch(() => {});
}

async function drawStep(shell, auctionId, stepNumber) {
  const response = await fetch(`/api/markets/auction/${encodeURIComponent(auctionId)}/${stepNumber}`, { credentials: "same-origin" });
  if (response.status === 404) {
    // No order yet in this step: the page still takes the first one.
    const { auction } = (await api(`/api/markets/auction/${encodeURIComponent(auctionId)}`)).data;
    shell.actions([auction.subscribers.map((s) => s.member), "empty"], () => auctionActions(shell, auction, [], Number(stepNumber)));
    shell.head.replaceChildren(title(`Step ${stepNumber} of ${auctionId}`, el("a", { href: auctionHref(auctionId) }, "← Market")));
    shell.box.replaceChildren(el("p", { class: "empty" }, "No orders in this step yet."));
    return;
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message || `HTTP ${response.status}`);
  const { auction, step } = body.data;
  shell.actions([auction.subscribers.map((s) => s.member), auction.finalized, step.cleared, step.settled],
    () => auctionActions(shell, auction, [{ step: step.step, cleared: step.cleared, settled: step.settled }], step.step));
  const currency = auction.terms.currency;
  const state = step.settled ? "settled" : step.cleared ? "cleared" : "open";
  const clearing = step.cleared
    ? (step.volume_mwh
      ? el("p", { id: "clearing" }, `Cleared at ${step.cleared_at}: ${kwh(step.volume_mwh)} at ${price(step.price, currency)}, the midpoint of the marginal bid ${price(step.marginal_bid, currency)} and ask ${price(step.marginal_ask, currency)}.`)
      : el("p", { id: "clearing" }, `Cleared at ${step.cleared_at}: no bid met an ask.`))
    : el("p", { id: "clearing", class: "muted" }, step.preview
      ? `Not cleared yet. Cleared now, it would match ${kwh(step.preview.volume_mwh)} at ${price(step.preview.price, currency)}.`
      : "Not cleared yet.");
  const results = step.settled
    ? el("table", { class: "grid-table", id: "step-results" },
      th(["Member", "Bought", "Sold", "Import", "Export", "Imbalance", "Trade", "Imbalance paid"]),
      el("tbody", {}, step.results.map((r) => el("tr", { "data-member": r.member },
        el("td", {}, memberLink(r.member)), el("td", { class: "num" }, kwh(r.bought_mwh)), el("td", { class: "num" }, kwh(r.sold_mwh)),
        el("td", { class: "num" }, kwh(r.import_mwh)), el("td", { class: "num" }, kwh(r.export_mwh), r.complete ? null : el("span", { class: "muted" }, " (incomplete)")),
        el("td", { class: "num" }, signedKwh(r.imbalance_mwh)),
        el("td", { class: "num" }, r.trade_paid ? `pays ${money(r.trade_paid, currency)}` : r.trade_received ? `gets ${money(r.trade_received, currency)}` : "—"),
        el("td", { class: "num" }, r.imbalance_due ? `pays ${money(r.imbalance_paid, currency)}${r.imbalance_paid < r.imbalance_due ? ` of ${money(r.imbalance_due)}` : ""}`
          : r.surplus_due ? `gets ${money(r.surplus_paid, currency)}` : "—")))))
    : null;
  shell.head.replaceChildren(title(`Step ${step.step} of ${auction.auction_id}`, el("a", { href: auctionHref(auction.auction_id) }, "← Market")));
  shell.box.replaceChildren(
    el("p", {}, `${step.start} to ${step.end} `, el("span", { class: "badge", id: "step-state" }, state), " ", addressLink(step.address, "record")),
    clearing,
    step.orders.length ? curves(step) : el("p", { class: "empty" }, "No orders in this step."),
    el("div", { class: "order-book" },
      el("section", {}, el("h2", {}, "Bids (buy)"), orderTable(step, "BID", currency)),
      el("section", {}, el("h2", {}, "Asks (sell)"), orderTable(step, "ASK", currency))),
    step.settled ? el("h2", {}, "Settlement against the meters") : null,
    results,
    step.settled ? el("p", { class: "muted" }, `Buyers pay the auctioneer, who pays the sellers; rounding left ${money(step.trade_remainder, currency)} with it. A shortfall (negative imbalance) is bought at the supplier price from the member's deposit, then its account; a surplus earns the feed-in price.`) : null);
}
