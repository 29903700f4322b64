// The dashboard's server: POST /graphql, with the pasted API key (localStorage, sent as
// `Authorization: Bearer`), else with the browser's same-origin session cookie; and the
// /auth/* JSON endpoints that sign people up, in and out (they set and clear that cookie).
const STORE = "viperatron:apiKey"; // shared with GraphiQL's key bar
export const KEY_PATTERN = /^et_(live|test)_[A-Za-z0-9]{32}$/;

export function storedKey() {
  try { return localStorage.getItem(STORE) || ""; } catch { return ""; }
}
export function saveKey(key) {
  try { localStorage.setItem(STORE, key); } catch { /* private mode: kept for this page only */ }
  window.dispatchEvent(new Event("viperatron:key"));
}
export function forgetKey(notify = true) {
  try { localStorage.removeItem(STORE); } catch { /* nothing kept */ }
  if (notify) window.dispatchEvent(new Event("viperatron:key"));
}

// A key created on Settings → API keys in this page's life (never stored): the Messages empty
// state fills it into its curl when no key is pasted.
let createdKey = "";
export function rememberCreatedKey(key) { createdKey = key || ""; }
export function lastCreatedKey() { return createdKey; }

// The organizations of the signed-in person (the sign-in answer lists them; viewer does not),
// kept for this tab so that the organization switcher survives a reload.
const ORGS = "viperatron:organizations";
export function rememberOrganizations(list) {
  try { sessionStorage.setItem(ORGS, JSON.stringify(list || [])); } catch { /* kept nowhere */ }
}
export function knownOrganizations() {
  try { return JSON.parse(sessionStorage.getItem(ORGS) || "[]"); } catch { return []; }
}

export class ApiError extends Error {
  constructor(message, { status = 0, code = null, errors = [], userErrors = [] } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.userErrors = userErrors;
  }
}

function messageOf(body, fallback) {
  if (!body) return fallback;
  if (body.error && body.error.message) return body.error.message;
  if (Array.isArray(body.errors) && body.errors.length) return body.errors.map((e) => e.message).join("; ");
  if (typeof body.detail === "string") return body.detail;
  return fallback;
}

// POST /auth/<path> with a JSON body: the answer's JSON (null for 204), or an ApiError whose
// `fields` maps each field named in the error's details to its message.
export async function auth(path, body = {}) {
  let response;
  try {
    response = await fetch(`/auth/${path}`, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json" },
    });
  } catch (error) {
    throw new ApiError(`The server could not be reached (${error.message}).`);
  }
  let data = null;
  try { data = await response.json(); } catch { /* 204 or not JSON */ }
  if (response.ok) return data;
  const problem = (data && data.error) || {};
  let message = problem.message || messageOf(data, `The server answered ${response.status}.`);
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    if (wait) message = `${message} (about ${Math.ceil(Number(wait) / 60) || 1} min)`;
  }
  const error = new ApiError(message, { status: response.status, code: problem.code || null });
  error.fields = {};
  for (const d of problem.details || []) if (d.field && !error.fields[d.field]) error.fields[d.field] = d.message;
  throw error;
}

export async function gql(query, variables = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const key = storedKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST", headers, credentials: "same-origin", body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`The server could not be reached (${error.message}).`);
  }
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  if (response.status === 401 || response.status === 403) {
    const error = new ApiError(messageOf(body, "Not signed in."), { status: response.status, code: "unauthorized" });
    if (response.status === 401) window.dispatchEvent(new Event("viperatron:unauthorized"));
    throw error;
  }
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    const error = new ApiError(`Rate limit reached${wait ? `: trying again in ${wait} s` : ""}.`, { status: 429, code: "rate_limited" });
    error.retryAfter = Number(wait) || null;
    throw error;
  }
  if (!body) throw new ApiError(`The server answered ${response.status} without JSON.`, { status: response.status });
  if (Array.isArray(body.errors) && body.errors.length) {
    const code = body.errors[0].extensions && body.errors[0].extensions.code;
    throw new ApiError(messageOf(body, "GraphQL error"), { status: response.status, code, errors: body.errors });
  }
  return body.data;
}

// A mutation's payload, or an ApiError carrying its userErrors.
export async function mutate(query, variables, field) {
  const data = await gql(query, variables);
  const payload = data[field];
  if (payload && payload.userErrors && payload.userErrors.length) {
    const text = payload.userErrors.map((e) => (e.field ? `${e.field}: ` : "") + e.message).join("; ");
    throw new ApiError(text, { code: payload.userErrors[0].code, userErrors: payload.userErrors });
  }
  return payload;
}
