// Shared pieces of the dashboard's pages.
import { createContext } from "preact";
import { html } from "htm/preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export { html };

// Who is using the dashboard: the `viewer` (organization, apiKey, user, role).
export const ViewerContext = createContext(null);

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event("viperatron:navigate"));
}

// Run `load` now, whenever `deps` change, on reload(), and, while `poll` (ms) is set, again and
// again while the tab is visible: first after `poll` ms, then a little later each time (up to
// 5 s), so that a long import or a slow message costs little of the key's rate limit; after a 429
// it waits what Retry-After says. Keeps the last data while reloading.
const POLL_MAX = 5000;
export function useLoad(load, deps, { poll = 0 } = {}) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ data: s.data, error, loading: false }));
      return error;
    }
    return null;
  }, deps);
  useEffect(() => { reload(); }, [reload]);
  useEffect(() => {
    if (!poll) return undefined;
    let delay = poll;
    let timer = null;
    let stopped = false;
    const tick = async () => {
      if (stopped) return;
      const error = document.hidden ? null : await reload();
      if (stopped) return;
      delay = Math.min(Math.round(delay * 1.25), Math.max(poll, POLL_MAX));
      if (error && error.status === 429) delay = Math.max(delay, (error.retryAfter || 5) * 1000);
      timer = setTimeout(tick, delay);
    };
    timer = setTimeout(tick, delay);
    return () => { stopped = true; clearTimeout(timer); };
  }, [reload, poll]);
  return { ...state, reload };
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

export function Page({ title, actions, children }) {
  return html`<section class="page">
    <header class="page-head"><h1 tabindex="-1">${title}</h1>${actions ? html`<div class="actions">${actions}</div>` : null}</header>
    ${children}
  </section>`;
}

export function Empty({ title, children }) {
  return html`<div class="empty"><h2>${title}</h2>${children}</div>`;
}

export function When({ value }) {
  if (!value) return html`<span class="muted">—</span>`;
  const date = new Date(value);
  return html`<time datetime=${value} title=${value}>${date.toLocaleString()}</time>`;
}

export function Status({ value }) {
  return html`<span class=${`badge badge-${value}`}>${value}</span>`;
}

export function Code({ children, label }) {
  return html`<pre class="code" tabindex="0" aria-label=${label || "Code"}><code>${children}</code></pre>`;
}

// Copies `text` to the clipboard and says so next to the button (`stateId`: that note's id).
export function CopyButton({ text, label, stateId, what = "the text" }) {
  const [state, setState] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("Copied");
    } catch {
      setState(`Could not copy: select ${what} and copy it by hand.`);
    }
  };
  return html`<button type="button" class="small secondary copy" onClick=${copy} aria-label=${label}>Copy</button>
    <span role="status" class="ok copy-state" id=${stateId}>${state}</span>`;
}

// An inline confirmation: keyboard focus moves to its first button when it appears (the button
// that opened it is gone).
export function Confirm({ label, children }) {
  const box = useRef(null);
  useEffect(() => { const b = box.current && box.current.querySelector("button"); if (b) b.focus(); }, []);
  return html`<div class="confirm danger-zone" role="group" aria-label=${label} ref=${box}>${children}</div>`;
}

export function Tags({ tags }) {
  if (!tags || !tags.length) return html`<span class="muted">—</span>`;
  return html`<ul class="tags">${tags.map((t) => html`<li>${t}</li>`)}</ul>`;
}

export function More({ pageInfo, onMore, loading }) {
  if (!pageInfo || !pageInfo.hasNextPage) return null;
  return html`<p><button type="button" class="secondary" onClick=${onMore} disabled=${loading}>Load more</button></p>`;
}

// A connection's nodes across "Load more" pages: [nodes, pageInfo, loadMore, loading, error, reload].
export function usePages(fetchPage, deps, options) {
  const [extra, setExtra] = useState({ nodes: [], pageInfo: null, loading: false, error: null });
  const first = useLoad(async () => { setExtra({ nodes: [], pageInfo: null, loading: false, error: null }); return fetchPage(null); }, deps, options);
  const pageInfo = extra.pageInfo || (first.data && first.data.pageInfo);
  const more = async () => {
    setExtra((e) => ({ ...e, loading: true }));
    try {
      const page = await fetchPage(pageInfo.endCursor);
      setExtra((e) => ({ nodes: [...e.nodes, ...page.edges.map((x) => x.node)], pageInfo: page.pageInfo, loading: false, error: null }));
    } catch (error) {
      setExtra((e) => ({ ...e, loading: false, error }));
    }
  };
  const nodes = first.data ? [...first.data.edges.map((x) => x.node), ...extra.nodes] : null;
  return { nodes, pageInfo, more, loading: first.loading || extra.loading, error: first.error || extra.error, reload: first.reload };
}

// The value of a <input type=date> as the local midnight it names, in ISO (UTC).
export function localDay(value, plusDays = 0) {
  if (!value) return null;
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export function formData(event) {
  return Object.fromEntries(new FormData(event.currentTarget).entries());
}

export function splitList(text) {
  return (text || "").split(",").map((t) => t.trim()).filter(Boolean);
}
