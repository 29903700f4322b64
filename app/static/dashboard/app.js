// The dashboard: client-side routes under /dashboard, every request to /graphql.
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, auth, forgetKey, gql, knownOrganizations, rememberOrganizations, storedKey } from "./api.js";
import { ErrorNote, Page, ViewerContext, html, navigate } from "./ui.js";
import { AcceptInvitationPage, AuthScreen, LINK_PAGES, ResetPasswordPage, SetupPage, VerifyPage } from "./auth.js";
import { MessagesPage, MessagePage } from "./messages.js";
import { ContactsPage, ContactPage } from "./contacts.js";
import { ImportPage } from "./imports.js";
import { AutomationsPage, AutomationPage, AutomationForm } from "./automations.js";
import { SuppressionsPage } from "./suppressions.js";
import { AnalyticsPage } from "./analytics.js";
import { ApiKeysPage, TeamPage } from "./settings.js";
import { DomainsPage } from "./domains.js";
import { WebhooksPage } from "./webhooks.js";
import { TrackingPage } from "./tracking.js";

const root = document.getElementById("app");
const ROUTES = JSON.parse(root.dataset.routes);
const VIEWER = `query Viewer { viewer {
  organization { id name } apiKey { id prefix name mode } user { id email emailVerified role } role
} }`;

// `ctx`: what the pages the mailed links open need from the application.
function route(pathname, ctx) {
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
    case "settings":
      if (id === "team") return { section: "settings/team", view: html`<${TeamPage} />` };
      if (id === "domains") return { section: "settings/domains", view: html`<${DomainsPage} />` };
      if (id === "webhooks") return { section: "settings/webhooks", view: html`<${WebhooksPage} />` };
      if (id === "tracking") return { section: "settings/tracking", view: html`<${TrackingPage} />` };
      return { section: "settings/api-keys", view: html`<${ApiKeysPage} />` };
    case "verify": return { section, link: true, view: html`<${VerifyPage} signedIn=${ctx.signedIn} onVerified=${ctx.refresh} />` };
    case "reset-password": return { section, link: true, view: html`<${ResetPasswordPage} onSignedIn=${ctx.onSignedIn} />` };
    case "accept-invitation": return { section, link: true, view: html`<${AcceptInvitationPage} onSignedIn=${ctx.onSignedIn} />` };
    case "setup": return { section, link: true, view: html`<${SetupPage} onSignedIn=${ctx.onSignedIn} />` };
    default: return { section: null, view: html`<${Page} title="Not found"><p>No such page. <a href="/dashboard/messages">Go to Messages</a>.</p><//>` };
  }
}

// While the signed-in person's address is unconfirmed: a quiet reminder, and a new link on demand.
function VerifyBanner({ user }) {
  const [state, setState] = useState({ busy: false, sent: false, error: null });
  const resend = async () => {
    setState({ busy: true, sent: false, error: null });
    try { await auth("verify/resend"); setState({ busy: false, sent: true, error: null }); } catch (error) { setState({ busy: false, sent: false, error }); }
  };
  return html`<div class="banner" role="region" aria-label="Email confirmation" id="verify-banner">
    <p>Confirm your email address: we sent a link to <strong>${user.email}</strong>.
      <button type="button" class="secondary small" onClick=${resend} disabled=${state.busy}>Send the link again</button>
      <span role="status" class="ok">${state.sent ? "Sent." : ""}</span></p>
    <${ErrorNote} error=${state.error} />
  </div>`;
}

// The person's organizations (from the sign-in answer): a switcher when there are several.
function Organization({ viewer, onSwitched }) {
  const [error, setError] = useState(null);
  const organizations = knownOrganizations();
  const mine = viewer.user && organizations.length > 1 && organizations.some((o) => o.id === viewer.organization.id);
  if (!mine) return html`<p><span class="muted">Organization</span><br /><strong id="organization-name">${viewer.organization.name}</strong></p>`;
  const change = async (event) => {
    setError(null);
    try {
      const view = await auth("organization", { organizationId: event.currentTarget.value });
      rememberOrganizations(view.organizations);
      onSwitched();
    } catch (e) { setError(e); }
  };
  return html`<div class="field org-switch"><label for="organization">Organization</label>
    <select id="organization" value=${viewer.organization.id} onChange=${change}>
      ${organizations.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
    </select><${ErrorNote} error=${error} /></div>`;
}

function App() {
  const [path, setPath] = useState(location.pathname);
  const [session, setSession] = useState({ state: "checking" });
  const first = useRef(true);

  const check = async () => {
    try {
      const data = await gql(VIEWER);
      setSession({ state: "ok", viewer: data.viewer, key: storedKey() });
    } catch (error) {
      setSession({ state: error instanceof ApiError && error.status === 401 ? "needed" : "error", error });
    }
  };
  // Signed in (sign-in, sign-up, an invitation, the setup link): the session replaces any pasted key.
  const onSignedIn = async (view) => {
    if (view && view.organizations) rememberOrganizations(view.organizations);
    forgetKey(false);
    await check();
    if (!location.pathname.startsWith("/dashboard/") || ["verify", "reset-password", "accept-invitation", "setup"].includes(location.pathname.split("/")[2])) {
      navigate("/dashboard/messages");
    }
    return view;
  };
  const signOut = async () => {
    try { await auth("logout"); } catch { /* the session is gone either way */ }
    rememberOrganizations([]);
    forgetKey(false);
    setSession({ state: "needed" });
    navigate("/dashboard/messages");
  };
  useEffect(() => {
    check();
    const onNavigate = () => setPath(location.pathname);
    const onKey = () => check();
    const onUnauthorized = () => setSession((a) => (a.state === "ok" ? { state: "needed" } : a));
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

  const signedIn = session.state === "ok";
  const current = route(path, { signedIn, onSignedIn, refresh: () => { if (signedIn) check(); } });
  useEffect(() => {
    if (current.redirect) navigate(current.redirect, { replace: true });
  }, [path]);
  useEffect(() => {
    const label = ROUTES.find(([p]) => p === current.section);
    const title = label ? label[1] : LINK_PAGES[current.section] || (session.state === "needed" ? "Sign in" : "Dashboard");
    document.title = `${title} · Viperatron dashboard`;
    if (first.current) { first.current = false; return; }
    // A new page: move focus to its heading so keyboard and screen-reader users start there.
    requestAnimationFrame(() => { const h1 = document.querySelector("main h1"); if (h1) h1.focus(); });
  }, [path, session.state]);

  let body;
  // (A link's page waits for the check: it must not mount twice and spend its one-time token twice.)
  if (session.state === "checking") body = html`<p class="muted">Connecting…</p>`;
  else if (current.link) body = current.view;
  else if (session.state === "needed") body = html`<${AuthScreen} onSignedIn=${onSignedIn} error=${session.error} initial=${storedKey() ? "key" : "signin"} />`;
  else if (session.state === "error") body = html`<${Page} title="Dashboard"><${ErrorNote} error=${session.error} /><button type="button" onClick=${check}>Retry</button><//>`;
  else body = current.view;

  if (!signedIn) return html`<main id="main" class="solo" tabindex="-1">${body}</main>`;
  const viewer = session.viewer;
  return html`<${ViewerContext.Provider} value=${viewer}><div class="layout">
    <nav class="side" aria-label="Dashboard">
      <ul>
        ${ROUTES.map(([p, label]) => html`<li><a href=${`/dashboard/${p}`} aria-current=${current.section === p ? "page" : undefined}>${label}</a></li>`)}
      </ul>
      <div class="who">
        <${Organization} viewer=${viewer} onSwitched=${check} />
        ${viewer.user ? html`<p><span class="muted">Signed in as</span><br /><span id="who-email">${viewer.user.email}</span>
          <span class="badge" id="who-role">${(viewer.role || "").toLowerCase()}</span></p>
          <button type="button" class="secondary small" onClick=${signOut}>Sign out</button>` : null}
        ${viewer.apiKey ? html`<p><span class="muted">Key</span><br /><code>${viewer.apiKey.prefix}…</code> <span class=${`badge badge-${viewer.apiKey.mode}`}>${viewer.apiKey.mode}</span></p>` : null}
        ${session.key ? html`<button type="button" class="secondary small" onClick=${() => { forgetKey(); }}>Forget key</button>` : null}
      </div>
    </nav>
    <main id="main" tabindex="-1">
      ${viewer.user && !viewer.user.emailVerified && current.section !== "verify" ? html`<${VerifyBanner} user=${viewer.user} />` : null}
      ${body}
    </main>
  </div><//>`;
}

root.textContent = "";
render(html`<${App} />`, root);
