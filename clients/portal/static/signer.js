// A party's key in the browser: the portal never sees it. Keys come from a `sawtooth keygen` /
// `smartblocks keygen` file (NAME.priv: 64 hex characters) and may be kept in this browser's
// storage encrypted under a password (PBKDF2-SHA-256 then AES-GCM, WebCrypto). Signing is
// Sawtooth's: secp256k1 ECDSA over SHA-256 of the bytes, RFC 6979 nonces, low S, 64-byte compact
// r||s in hex (@noble/secp256k1), so a signature made here verifies with sawtooth_signing.
import * as secp from "./vendor/noble_secp256k1/index.js";
import { hmac } from "./vendor/noble_hashes/hmac.js";
import { sha256 } from "./vendor/noble_hashes/sha2.js";

secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, message) => hmac(sha256, key, message);

const STORE = "smartblocks.keys.v1"; // localStorage: {name: {public_key, salt, iv, ciphertext}}
const PBKDF2_ITERATIONS = 600_000; // OWASP's figure for PBKDF2-HMAC-SHA256
let current = null; // {name, publicKey, secret}: in this page's memory only

export const toHex = (bytes) => secp.etc.bytesToHex(bytes);
export const fromHex = (hex) => secp.etc.hexToBytes(hex);

// A private key from the text of a key file; throws a message a person can act on.
export function parseKeyFile(text) {
  const hex = String(text).trim().toLowerCase();
  if (/^0[23][0-9a-f]{64}$/.test(hex)) {
    throw new Error("this is a public key (.pub); choose the private key file (.priv)");
  }
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error("not a key file: a .priv file holds 64 hex characters (sawtooth keygen)");
  }
  const secret = fromHex(hex);
  if (!secp.utils.isValidSecretKey(secret)) throw new Error("not a valid secp256k1 private key");
  return secret;
}

export const publicKeyOf = (secret) => toHex(secp.getPublicKey(secret, true));

export function useKey(name, secret) {
  current = { name, publicKey: publicKeyOf(secret), secret };
  window.dispatchEvent(new CustomEvent("keychange"));
  return current.publicKey;
}

export function currentKey() {
  return current ? { name: current.name, publicKey: current.publicKey } : null;
}

export function forgetKey() {
  current = null;
  window.dispatchEvent(new CustomEvent("keychange"));
}

// The signature of `hex` bytes with the loaded key: 128 hex characters.
export function signHex(hex) {
  if (!current) throw new Error("load a key first");
  return toHex(secp.sign(fromHex(hex), current.secret, { prehash: true, lowS: true }));
}

// -- keys kept in this browser, encrypted ---------------------------------------------------------

const stored = () => JSON.parse(localStorage.getItem(STORE) || "{}");

export function storedKeys() {
  return Object.entries(stored()).map(([name, k]) => ({ name, publicKey: k.public_key }));
}

async function aesKey(password, salt) {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: PBKDF2_ITERATIONS },
    base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

export async function storeKey(name, secret, password) {
  if (!password || password.length < 8) throw new Error("choose a password of at least 8 characters");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await aesKey(password, salt), secret));
  const all = stored();
  all[name] = { public_key: publicKeyOf(secret), salt: toHex(salt), iv: toHex(iv), ciphertext: toHex(ciphertext) };
  localStorage.setItem(STORE, JSON.stringify(all));
}

export async function unlockKey(name, password) {
  const entry = stored()[name];
  if (!entry) throw new Error(`no key named ${name} in this browser`);
  let secret;
  try {
    const key = await aesKey(password, fromHex(entry.salt));
    secret = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromHex(entry.iv) }, key, fromHex(entry.ciphertext)));
  } catch {
    throw new Error("wrong password for this key");
  }
  return useKey(name, secret);
}

export function removeStoredKey(name) {
  const all = stored();
  delete all[name];
  localStorage.setItem(STORE, JSON.stringify(all));
}
