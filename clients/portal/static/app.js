// BlockPortal front-end: login, hash routing, live block events.
import { api, post, Unauthorised } from "./api.js";
import { el } from "./format.js";
import { admin } from "./views/admin.js";
import { amendForm, contractForm, contractList, contractPage } from "./views/contracts.js";
import { batch, block, blocks, search, transaction } from "./views/explorer.js";
import { home } from "./views/home.js";
import { markets } from "./views/markets.js";
import { p2pMarket, p2pOffer } from "./views/market_p2p.js";
import { auctionList, auctionPage, auctionStep } from "./views/market_auction.js";
import { supplierList, supplierPage } from "./views/market_supplier.js";
import { aggregationList, aggregationPage } from "./views/market_aggregation.js";
import { member, memberList } from "./views/members.js";
import { meter, meterList, site } from "./views/meters.js";
import { address, families, family } from "./views/state.js";

const view = document.getElementById("view");
const topbar = document.querySelector(".topbar");
let events = null;

const ROUTES = [
  [/^\/$/, "overview", () => home(view)],
  [/^\/members$/, "members", () => memberList(view)],
  [/^\/members\/(0[23][0-9a-f]{64})$/, "members", (p, key) => member(view, key)],
  [/^\/blocks$/, "blocks", (p) => blocks(view, p)],
  [/^\/blocks\/(\w+)$/, "blocks", (p, id) => block(view, id)],
  [/^\/batches\/(\w+)$/, "blocks", (p, id) => batch(view, id)],
  [/^\/transactions\/(\w+)$/, "blocks", (p, id) => transaction(view, id)],
  [/^\/state$/, "state", () => families(view)],
  [/^\/state\/([\w-]+)$/, "state", (p, name) => family(view, name, p)],
  [/^\/address\/([0-9a-f]{70})$/, "state", (p, a) => address(view, a, p)],
  [/^\/search$/, "blocks", (p) => search(view, p)],
  [/^\/meters$/, "meters", () => meterList(view)],
  [/^\/meters\/([^/?]+)$/, "meters", (p, id) => meter(view, decodeURIComponent(id), p)],
  [/^\/sites\/([^/?]+)$/, "meters", (p, id) => site(view, decodeURIComponent(id), p)],
  [/^\/markets$/, "markets", () => markets(view)],
  [/^\/markets\/p2p$/, "markets", () => p2pMarket(view)],
  [/^\/markets\/p2p\/([^/?]+)$/, "markets", (p, id) => p2pOffer(view, decodeURIComponent(id))],
  [/^\/markets\/supplier$/, "markets", () => supplierList(view)],
  [/^\/markets\/supplier\/([^/?]+)$/, "markets", (p, id) => supplierPage(view, decodeURIComponent(id))],
  [/^\/markets\/auction$/, "markets", () => auctionList(view)],
  [/^\/markets\/auction\/([^/?]+)$/, "markets", (p, id) => auctionPage(view, decodeURIComponent(id))],
  [/^\/markets\/auction\/([^/?]+)\/(\d+)$/, "markets", (p, id, step) => auctionStep(view, decodeURIComponent(id), step)],
  [/^\/markets\/aggregation$/, "markets", () => aggregationList(view)],
  [/^\/markets\/aggregation\/([^/?]+)$/, "markets", (p, id) => aggregationPage(view, decodeURIComponent(id))],
  [/^\/contracts$/, "contracts", () => contractList(view)],
  [/^\/contracts\/new\/(\w+)$/, "contracts", (p, name) => contractForm(view, name)],
  [/^\/contracts\/([^/?]+)\/amend$/, "contracts", (p, id) => amendForm(view, decodeURIComponent(id))],
  [/^\/contracts\/([^/?]+)$/, "contracts", (p, id) => contractPage(view, decodeURIComponent(id))],
  [/^\/admin$/, "admin", () => admin(view)],
];

async function route() {
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  const params = new URLSearchParams(query || "");
  view.onblock = null;
  for (const [pattern, section, render] of ROUTES) {
    const match = path.match(pattern);
    if (!match) continue;
    for (const a of document.querySelectorAll("nav a[data-section]")) {
      a.classList.toggle("active", a.dataset.section === section);
    }
    view.classList.add("loading");
    try {
      await render(params, ...match.slice(1));
    } catch (err) {
      if (err instanceof Unauthorised) return showLogin();
      view.replaceChildren(el("div", { class: "notice error" }, el("strong", {}, "Could not load this page. "), err.message));
    } finally {
      view.classList.remove("loading");
    }
    return;
  }
  view.replaceChildren(el("div", { class: "notice" }, `No page at ${path}.`));
}

function showLogin() {
  events?.close();
  events = null;
  topbar.hidden = true;
  view.replaceChildren(document.getElementById("login-template").content.cloneNode(true));
  const form = document.getElementById("login-form");
  form.user.focus();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await post("/api/login", { user: form.user.value, password: form.password.value });
      await start();
    } catch (err) {
      document.getElementById("login-error").textContent = err.message === "log in first"
        ? "Unknown user or wrong password." : err.message;
    }
  });
}

function setHead(num) {
  document.getElementById("head").textContent = num === null || num === undefined ? "" : `head #${num}`;
}

function listen() {
  events?.close();
  events = new EventSource("/api/live");
  const live = document.getElementById("live");
  events.onopen = () => { live.textContent = "● live"; live.className = "live on"; };
  events.onerror = () => { live.textContent = "● reconnecting"; live.className = "live off"; };
  events.addEventListener("block", (e) => {
    const b = JSON.parse(e.data);
    setHead(b.block_num);
    if (view.onblock) view.onblock(b);
  });
}

async function start() {
  let me;
  try {
    me = await api("/api/session");
  } catch (err) {
    if (err instanceof Unauthorised) return showLogin();
    throw err;
  }
  topbar.hidden = false;
  document.getElementById("who").textContent = `${me.user} · ${me.role}`;
  document.querySelector(".admin-only").hidden = me.role !== "admin";
  api("/api/status").then((s) => setHead(s.head_block_num)).catch(() => {});
  listen();
  await route();
}

document.getElementById("logout").addEventListener("click", async () => {
  await post("/api/logout", {}).catch(() => {});
  location.hash = "";
  showLogin();
});
window.addEventListener("hashchange", () => { if (!topbar.hidden) route(); });
document.getElementById("search")?.addEventListener("submit", (e) => {
  e.preventDefault();
  const q = e.target.q.value.trim();
  if (!q) return;
  const target = `#/search?${new URLSearchParams({ q })}`;
  if (location.hash === target) route();
  else location.hash = target;
});
start();
