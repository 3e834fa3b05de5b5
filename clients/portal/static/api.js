// The JSON API, with one place that notices an expired session.
export class Unauthorised extends Error {}

export async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: "same-origin",
    headers: options.body ? { "Content-Type": "application/json" } : {},
    ...options,
  });
  if (response.status === 401) throw new Unauthorised("log in first");
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body;
}

export const post = (path, data) => api(path, { method: "POST", body: JSON.stringify(data) });
