// The dashboard: client-side routes under /dashboard, every request to /graphql.
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, KEY_PATTERN, forgetKey, gql, saveKey, storedKey } from "./api.js";
import { ErrorNote, Page, html, navigate } from "./ui.js";
import { MessagesPage, MessagePage } from "./messages.js";
import { ContactsPage, ContactPage } from "./contacts.js";
import { ImportPage } from "./imports.js";
import { AutomationsPage, AutomationPage, AutomationForm } from "./automations.js";
import { SuppressionsPage } from "./suppressions.js";
import { AnalyticsPage } from "./analytics.js";
import { ApiKeysPage } from "./settings.js";

const root = document.getElementById("app");
const ROUTES = JSON.parse(root.dataset.routes);
const VIEWER = "query Viewer { viewer { organization { id name } apiKey { id prefix name mode } } }";

function route(pathname) {
  const parts = pathname.replace(/^\/dashboard\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [section, id, extra] = parts;
  switch (section) {
    case undefined: return { section: "messages", redirect: "/dashboard/messages" };
    case "messages": return { section, view: id ? html`<${MessagePage} id=${id} />` : html`<${MessagesPage} />` };
    case "contacts": return { section, view: id ? html`<${ContactPage} id=${id} />` : html`<${ContactsPage} />` };
    case "import": return { section, view: html`<${ImportPage} jobId=${id || null} />` };
    case "automations":
      if (id === "new") return { section, view: html`<${AutomationForm} />` };
      if (id && extra === "edit") return { section, view: html`<${AutomationForm} id=${id} />` };
      return { section, view: id ? html`<${AutomationPage} id=${id} />` : html`<${AutomationsPage} />` };
    case "suppressions": return { section, view: html`<${SuppressionsPage} />` };
    case "analytics": return { section, view: html`<${AnalyticsPage} />` };
    case "settings": return { section: "settings/api-keys", view: html`<${ApiKeysPage} />` };
    default: return { section: null, view: html`<${Page} title="Not found"><p>No such page. <a href="/dashboard/messages">Go to Messages</a>.</p><//>` };
  }
}

function KeyForm({ error, onKey }) {
  const [problem, setProblem] = useState(null);
  const submit = (event) => {
    event.preventDefault();
    const key = event.currentTarget.elements.key.value.replace(/^Bearer\s+/i, "").trim();
    if (!KEY_PATTERN.test(key)) {
      setProblem("That is not an API key: et_live_ or et_test_ followed by 32 letters and digits.");
      return;
    }
    setProblem(null);
    saveKey(key);
    onKey();
  };
  return html`<${Page} title="Connect the dashboard">
    <p>The dashboard reads and changes your organization through the GraphQL API. Paste an API key to use it:
    it stays in this browser (localStorage) and is sent as <code>Authorization: Bearer &lt;key&gt;</code>.</p>
    <p>No key yet? Create one on the server: <code>viperatron keys create --org NAME</code>.</p>
    <form class="keyform" onSubmit=${submit} autocomplete="off">
      <label for="key">API key</label>
      <input id="key" name="key" type="password" spellcheck="false" required aria-describedby="key-problem"
        placeholder="et_live_…" />
      <button type="submit">Use key</button>
    </form>
    <p id="key-problem" class="error" role="alert">${problem || (error && error.status !== 401 ? error.message : "")}</p>
  <//>`;
}

function App() {
  const [path, setPath] = useState(location.pathname);
  const [auth, setAuth] = useState({ state: "checking" });
  const first = useRef(true);

  const check = async () => {
    try {
      const data = await gql(VIEWER);
      setAuth({ state: "ok", viewer: data.viewer, key: storedKey() });
    } catch (error) {
      setAuth({ state: error instanceof ApiError && error.status === 401 ? "needed" : "error", error });
    }
  };
  useEffect(() => {
    check();
    const onNavigate = () => setPath(location.pathname);
    const onKey = () => check();
    const onUnauthorized = () => setAuth((a) => (a.state === "ok" ? { state: "needed" } : a));
    const onClick = (event) => {
      const a = event.target.closest && event.target.closest("a[href]");
      if (!a || a.target || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || !url.pathname.startsWith("/dashboard")) return;
      event.preventDefault();
      navigate(url.pathname + url.search);
    };
    window.addEventListener("popstate", onNavigate);
    window.addEventListener("viperatron:navigate", onNavigate);
    window.addEventListener("viperatron:key", onKey);
    window.addEventListener("viperatron:unauthorized", onUnauthorized);
    document.addEventListener("click", onClick);
    return () => {
      window.removeEventListener("popstate", onNavigate);
      window.removeEventListener("viperatron:navigate", onNavigate);
      window.removeEventListener("viperatron:key", onKey);
      window.removeEventListener("viperatron:unauthorized", onUnauthorized);
      document.removeEventListener("click", onClick);
    };
  }, []);

  const current = route(path);
  useEffect(() => {
    if (current.redirect) navigate(current.redirect, { replace: true });
  }, [path]);
  useEffect(() => {
    const label = ROUTES.find(([p]) => p === current.section);
    document.title = `${label ? label[1] : "Dashboard"} · Viperatron dashboard`;
    if (first.current) { first.current = false; return; }
    // A new page: move focus to its heading so keyboard and screen-reader users start there.
    requestAnimationFrame(() => { const h1 = document.querySelector("main h1"); if (h1) h1.focus(); });
  }, [path, auth.state]);

  let body;
  if (auth.state === "checking") body = html`<p class="muted">Connecting…</p>`;
  else if (auth.state === "needed") body = html`<${KeyForm} error=${auth.error} onKey=${check} />`;
  else if (auth.state === "error") body = html`<${Page} title="Dashboard"><${ErrorNote} error=${auth.error} /><button type="button" onClick=${check}>Retry</button><//>`;
  else body = current.view;

  return html`<div class="layout">
    <nav class="side" aria-label="Dashboard">
      <ul>
        ${ROUTES.map(([p, label]) => html`<li><a href=${`/dashboard/${p}`} aria-current=${current.section === p ? "page" : undefined}>${label}</a></li>`)}
      </ul>
      ${auth.state === "ok" ? html`<div class="who">
        <p><span class="muted">Organization</span><br /><strong>${auth.viewer.organization.name}</strong></p>
        ${auth.viewer.apiKey ? html`<p><span class="muted">Key</span><br /><code>${auth.viewer.apiKey.prefix}…</code> <span class=${`badge badge-${auth.viewer.apiKey.mode}`}>${auth.viewer.apiKey.mode}</span></p>` : null}
        ${auth.key ? html`<button type="button" class="secondary small" onClick=${() => { forgetKey(); }}>Forget key</button>` : null}
      </div>` : null}
    </nav>
    <main id="main" tabindex="-1">${body}</main>
  </div>`;
}

root.textContent = "";
render(html`<${App} />`, root);
