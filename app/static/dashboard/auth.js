// Signed out: sign in, create an account, reset a password, or use an API key; and the pages
// the mailed links open (verify, reset-password, accept-invitation, setup). Each form posts to
// /auth/*, which sets or clears the session cookie; errors show next to their fields.
import { useEffect, useRef, useState } from "preact/hooks";
import { KEY_PATTERN, auth, saveKey, storedKey } from "./api.js";
import { Page, html } from "./ui.js";

const MIN_PASSWORD = 10;

function tokenFromUrl() {
  return new URLSearchParams(location.search).get("token") || "";
}

// The error's message for one field (its details), under the control that has `id`.
function FieldError({ id, error, field }) {
  const message = (error && error.fields && error.fields[field]) || "";
  return html`<p class="error field-error" id=${`${id}-error`}>${message}</p>`;
}

function Field({ id, label, error, field, hint, ...input }) {
  const bad = Boolean(error && error.fields && error.fields[field]);
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint muted" id=${`${id}-hint`}>${hint}</p>` : null}
    <input id=${id} name=${field} aria-invalid=${bad ? "true" : undefined} aria-describedby=${described} ...${input} />
    <${FieldError} id=${id} error=${error} field=${field} />
  </div>`;
}

// The error as a whole (role=alert); field-level messages are shown by the fields.
function FormError({ error, id }) {
  if (!error) return null;
  const fieldsOnly = error.fields && Object.keys(error.fields).length && error.code === "validation_error";
  return html`<p class="error" role="alert" id=${id}>${fieldsOnly ? "Please correct the fields below." : error.message}</p>`;
}

function useSubmit(action) {
  const [state, setState] = useState({ busy: false, error: null, done: null });
  const submit = async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(event.currentTarget).entries());
    setState({ busy: true, error: null, done: null });
    try {
      const done = await action(values);
      setState({ busy: false, error: null, done: done || true });
    } catch (error) {
      setState({ busy: false, error, done: null });
    }
  };
  return [state, submit];
}

export function SignInForm({ onSignedIn, email = "" }) {
  const [state, submit] = useSubmit(async (v) => onSignedIn(await auth("login", { email: v.email, password: v.password })));
  return html`<form class="stack auth-form" onSubmit=${submit} aria-label="Sign in">
    <${FormError} error=${state.error} id="signin-problem" />
    <${Field} id="signin-email" label="Email address" field="email" type="email" autocomplete="username" required
      value=${email} error=${state.error} />
    <${Field} id="signin-password" label="Password" field="password" type="password" autocomplete="current-password"
      required error=${state.error} />
    <p><button type="submit" disabled=${state.busy}>Sign in</button></p>
  </form>`;
}

function SignUpForm({ onSignedIn, onSignIn }) {
  const [state, submit] = useSubmit(async (v) => {
    const body = { email: v.email, password: v.password };
    if (v.organization.trim()) body.organization = v.organization.trim();
    return onSignedIn(await auth("signup", body));
  });
  const refused = state.error && state.error.status === 403;
  return html`<form class="stack auth-form" onSubmit=${submit} aria-label="Create an account">
    ${refused ? html`<div class="notice warn" role="alert" id="signup-refused"><p><strong>${state.error.message}</strong></p>
      <p>Already have an account? <button type="button" class="linkish" onClick=${onSignIn}>Sign in</button></p></div>`
      : html`<${FormError} error=${state.error} id="signup-problem" />`}
    <${Field} id="signup-email" label="Email address" field="email" type="email" autocomplete="email" required error=${state.error} />
    <${Field} id="signup-password" label="Password" field="password" type="password" autocomplete="new-password" required
      minlength=${MIN_PASSWORD} hint=${`At least ${MIN_PASSWORD} characters.`} error=${state.error} />
    <${Field} id="signup-organization" label="Organization name (optional)" field="organization" autocomplete="organization"
      hint="Where sign-up is open, your account gets an organization of its own with this name." error=${state.error} />
    <p><button type="submit" disabled=${state.busy}>Create account</button></p>
  </form>`;
}

function ForgotForm() {
  const [state, submit] = useSubmit(async (v) => { await auth("password-reset", { email: v.email }); return v.email; });
  if (state.done) {
    return html`<div class="notice" role="status" id="reset-sent"><p>If an account uses <strong>${state.done}</strong>, a link to choose
      a new password is on its way (it works once, for 1 hour).</p></div>`;
  }
  return html`<form class="stack auth-form" onSubmit=${submit} aria-label="Reset your password">
    <p>Enter your account's email address: we mail it a link to choose a new password.</p>
    <${FormError} error=${state.error} id="forgot-problem" />
    <${Field} id="forgot-email" label="Email address" field="email" type="email" autocomplete="email" required error=${state.error} />
    <p><button type="submit" disabled=${state.busy}>Send the link</button></p>
  </form>`;
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
    if (onKey) onKey();
  };
  return html`<div class="stack">
    <p>Operators can use the dashboard with an API key instead of an account. It stays in this browser
    (localStorage) and is sent as <code>Authorization: Bearer &lt;key&gt;</code>. A key cannot manage keys or people.</p>
    <p>Create one on the server: <code>viperatron keys create --org NAME</code>.</p>
    <form class="keyform" onSubmit=${submit} autocomplete="off" aria-label="Use an API key">
      <label for="key">API key</label>
      <input id="key" name="key" type="password" spellcheck="false" required aria-describedby="key-problem"
        placeholder="et_live_…" />
      <button type="submit">Use key</button>
    </form>
    <p id="key-problem" class="error" role="alert">${problem || (error && (error.status !== 401 || storedKey()) ? error.message : "")}</p>
  </div>`;
}

const SCREENS = {
  signin: "Sign in",
  signup: "Create an account",
  forgot: "Reset your password",
  key: "Connect with an API key",
};

// What a visitor sees at any dashboard page: the sign-in form, and the way to the others.
export function AuthScreen({ onSignedIn, initial = "signin", error = null }) {
  const [screen, setScreen] = useState(initial);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    const h1 = document.querySelector("main h1");
    if (h1) h1.focus();
  }, [screen]);
  const go = (name) => () => setScreen(name);
  let body;
  if (screen === "signup") body = html`<${SignUpForm} onSignedIn=${onSignedIn} onSignIn=${go("signin")} />`;
  else if (screen === "forgot") body = html`<${ForgotForm} />`;
  else if (screen === "key") body = html`<${KeyForm} error=${error} />`;
  else body = html`<${SignInForm} onSignedIn=${onSignedIn} />`;
  const other = Object.entries(SCREENS).filter(([name]) => name !== screen);
  const words = { signin: "Sign in", signup: "Create an account", forgot: "Forgot your password?", key: "Use an API key instead" };
  return html`<${Page} title=${SCREENS[screen]}>
    ${body}
    <nav class="auth-links" aria-label="Other ways in"><ul>
      ${other.map(([name]) => html`<li><button type="button" class="linkish" id=${`to-${name}`} onClick=${go(name)}>${words[name]}</button></li>`)}
    </ul></nav>
  <//>`;
}

function NoToken() {
  return html`<p class="error" role="alert">This page needs the token from the link in the email: open that link again.</p>`;
}

// /dashboard/verify?token=…: confirms the address at once.
export function VerifyPage({ signedIn, onVerified }) {
  const token = tokenFromUrl();
  const [state, setState] = useState({ busy: Boolean(token), person: null, error: null });
  useEffect(() => {
    if (!token) return;
    auth("verify", { token }).then(
      (person) => { setState({ busy: false, person, error: null }); if (onVerified) onVerified(); },
      (error) => setState({ busy: false, person: null, error }),
    );
  }, [token]);
  return html`<${Page} title="Confirm your email address">
    ${!token ? html`<${NoToken} />` : null}
    ${state.busy ? html`<p class="muted" role="status">Confirming…</p>` : null}
    ${state.person ? html`<div class="notice" role="status" id="verified"><p>Thank you: <strong>${state.person.email}</strong> is confirmed.</p></div>` : null}
    ${state.error ? html`<p class="error" role="alert" id="verify-problem">${state.error.message}</p>` : null}
    ${!state.busy ? html`<p><a href="/dashboard/messages">${signedIn ? "Go to the dashboard" : "Sign in to the dashboard"}</a></p>` : null}
  <//>`;
}

// /dashboard/reset-password?token=…: a new password, then sign in with it.
export function ResetPasswordPage({ onSignedIn }) {
  const token = tokenFromUrl();
  const [state, submit] = useSubmit(async (v) => auth("password-reset/confirm", { token, password: v.password }));
  if (state.done) {
    return html`<${Page} title="Sign in">
      <div class="notice" role="status" id="password-changed"><p>Your password is changed, and every session of the account has ended. Sign in with the new one.</p></div>
      <${SignInForm} onSignedIn=${onSignedIn} email=${state.done.email || ""} />
    <//>`;
  }
  return html`<${Page} title="Choose a new password">
    ${!token ? html`<${NoToken} />` : html`<form class="stack auth-form" onSubmit=${submit} aria-label="Choose a new password">
      <${FormError} error=${state.error} id="reset-problem" />
      ${state.error && state.error.fields && state.error.fields.token ? html`<p class="error">${state.error.fields.token}</p>` : null}
      <${Field} id="reset-password" label="New password" field="password" type="password" autocomplete="new-password" required
        minlength=${MIN_PASSWORD} hint=${`At least ${MIN_PASSWORD} characters. Signs you out everywhere.`} error=${state.error} />
      <p><button type="submit" disabled=${state.busy}>Change password</button></p>
    </form>`}
  <//>`;
}

// /dashboard/accept-invitation?token=…: join the organization (a new account, or an existing one
// proving itself with its password), then signed in.
export function AcceptInvitationPage({ onSignedIn }) {
  const token = tokenFromUrl();
  const [state, submit] = useSubmit(async (v) => onSignedIn(await auth("invitations/accept", { token, password: v.password })));
  return html`<${Page} title="Join your team">
    ${!token ? html`<${NoToken} />` : html`<form class="stack auth-form" onSubmit=${submit} aria-label="Accept the invitation">
      <p>You are invited to an organization on Viperatron.</p>
      <${FormError} error=${state.error} id="accept-problem" />
      ${state.error && state.error.fields && state.error.fields.token ? html`<p class="error">${state.error.fields.token}</p>` : null}
      <${Field} id="accept-password" label="Password" field="password" type="password" autocomplete="new-password" required
        hint=${`New to Viperatron: choose a password (at least ${MIN_PASSWORD} characters). Already have an account with this address: its password.`}
        error=${state.error} />
      <p><button type="submit" disabled=${state.busy}>Join</button></p>
    </form>`}
  <//>`;
}

// /dashboard/setup?token=…: the first-start link (printed by `viperatron serve`) creates the owner.
export function SetupPage({ onSignedIn }) {
  const token = tokenFromUrl();
  const [state, submit] = useSubmit(async (v) => onSignedIn(await auth("setup", { token, email: v.email, password: v.password })));
  return html`<${Page} title="Create the owner account">
    ${!token ? html`<${NoToken} />` : html`<form class="stack auth-form" onSubmit=${submit} aria-label="Create the owner account">
      <p>This server has no account yet: this one owns the organization <strong>default</strong> and its keys.</p>
      <${FormError} error=${state.error} id="setup-problem" />
      ${state.error && state.error.fields && state.error.fields.token ? html`<p class="error">${state.error.fields.token}</p>` : null}
      <${Field} id="setup-email" label="Email address" field="email" type="email" autocomplete="email" required error=${state.error} />
      <${Field} id="setup-password" label="Password" field="password" type="password" autocomplete="new-password" required
        minlength=${MIN_PASSWORD} hint=${`At least ${MIN_PASSWORD} characters.`} error=${state.error} />
      <p><button type="submit" disabled=${state.busy}>Create account</button></p>
    </form>`}
  <//>`;
}

export const LINK_PAGES = {
  verify: "Confirm your email address",
  "reset-password": "Choose a new password",
  "accept-invitation": "Join your team",
  setup: "Create the owner account",
};
