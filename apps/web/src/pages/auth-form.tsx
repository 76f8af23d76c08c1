// Sign-in and registration share one form: the same fields, the same error handling, different wording.
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type SubmitEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { Field, FormError } from "../components/field.js";
import { PageTitle } from "../components/page-title.js";
import { PendingButton } from "../components/submit-button.js";
import { useToast } from "../components/toast.js";
import { errorCode, formErrors } from "../lib/errors.js";
import { safeNext } from "../lib/safe-next.js";
import { resetSession, useMe } from "../lib/session.js";
import { useFocusFirstInvalid } from "../lib/use-focus-invalid.js";
import { useSingleFlightMutation } from "../lib/use-single-flight-mutation.js";
import { useTRPC } from "../trpc.js";

const FIELDS = ["email", "password"] as const;
/** The invitation's secret travels with the form but has no field: its refusal is said above the form. */
const REGISTER_FIELDS = [...FIELDS, "invite"] as const;

export function AuthForm({ mode }: { mode: "login" | "register" }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const me = useMe();
  const [params] = useSearchParams();
  const location = useLocation();
  const next = safeNext(params.get("next"));
  const state = location.state as { expired?: boolean; signedOut?: boolean } | null;
  const expired = state?.expired === true;
  // An invitation link (`/register?invite=…`, made by members.add) lets its email register on an invite-only server.
  const invite = mode === "register" ? params.get("invite")?.trim() || undefined : undefined;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);

  const onSuccess = (result: { user: { id: string; email: string } }) => {
    resetSession(queryClient, trpc.auth.me.queryKey(), { ...result.user, via: "cookie" });
    toast.clear();
    toast.success(
      mode === "login"
        ? `Signed in as ${result.user.email}.`
        : invite === undefined
          ? `Welcome! Your account ${result.user.email} is ready.`
          : `Welcome! Your account ${result.user.email} is ready, and you have joined the project you were invited to.`,
    );
    void navigate(next, { replace: true });
  };
  const register = useSingleFlightMutation(
    trpc.auth.register.mutationOptions({ onSuccess, onError: focusFirstInvalid }),
  );
  const login = useSingleFlightMutation(
    trpc.auth.login.mutationOptions({ onSuccess, onError: focusFirstInvalid, meta: { authRedirect: false } }),
  );
  const mutation = mode === "register" ? register : login;

  // Someone already signed in (who opened this page from a bookmark): say so rather than bounce them away. Right
  // after signing out, the cache may still name the previous user for a moment.
  if (me.data && !mutation.isSuccess && state?.signedOut !== true) {
    return (
      <div className="auth-page">
        <div className="card auth-card">
          <PageTitle>You are signed in</PageTitle>
          <h1>You are signed in</h1>
          <p>
            You are signed in as <strong>{me.data.email}</strong>. To use another account, sign out first (top
            right).
          </p>
          {invite === undefined ? null : (
            <p className="notice">
              This invitation link creates a new account: to accept it, sign out, then open the link again.
            </p>
          )}
          <Link to={next} className="button button-primary">
            Continue to {next === "/projects" ? "your projects" : "where you were going"}
          </Link>
        </div>
      </div>
    );
  }

  const { byField, general } = formErrors(mutation.error, REGISTER_FIELDS);
  const refusal =
    [general, byField.invite === undefined ? undefined : `This invitation link ${byField.invite}.`]
      .filter((message) => message !== undefined)
      .join(" ") || undefined;
  const conflict = mode === "register" && errorCode(mutation.error) === "CONFLICT";
  const otherPage = mode === "register" ? "/login" : "/register";
  const keepNext = params.get("next") === null ? "" : `?next=${encodeURIComponent(next)}`;

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (invite === undefined) mutation.mutate({ email, password });
    else register.mutate({ email, password, invite });
  }

  return (
    <div className="auth-page">
      <PageTitle>{mode === "register" ? "Create your account" : "Sign in"}</PageTitle>
      <div className="card auth-card">
        <h1>{mode === "register" ? "Create your account" : "Sign in"}</h1>
        {expired ? (
          <p className="notice" role="status">
            Your session has ended. Sign in again to continue where you were.
          </p>
        ) : null}
        {invite === undefined ? null : (
          <p className="notice" role="status">
            You are joining by invitation. Register with the email address the invitation was sent to: your
            account joins the project as soon as it is created.
          </p>
        )}
        <p className="lead">
          {mode === "register"
            ? "One account for the dashboard, the API and its tokens. Other people add you to their projects by this email."
            : "Welcome back. Sign in to see your projects."}
        </p>
        <form ref={formRef} onSubmit={submit} noValidate>
          <FormError message={refusal} />
          {conflict ? (
            <p className="form-hint">
              <Link to={`/login${keepNext}`}>Sign in with this email</Link> instead.
            </p>
          ) : null}
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete={mode === "register" ? "email" : "username"}
            required
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
            }}
            hint={invite === undefined ? undefined : "The address the invitation was sent to."}
            error={byField.email}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete={mode === "register" ? "new-password" : "current-password"}
            required
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
            hint={
              mode === "register"
                ? "At least 10 characters. A few unrelated words make a strong one; not a common password, not your email."
                : undefined
            }
            error={byField.password}
          />
          <PendingButton
            pending={mutation.isPending}
            pendingLabel={mode === "register" ? "Creating account…" : "Signing in…"}
            className="button-block"
          >
            {mode === "register" ? "Create account" : "Sign in"}
          </PendingButton>
        </form>
        <p className="auth-switch">
          {mode === "register" ? "Already have an account? " : "New to BabyHelm? "}
          <Link to={`${otherPage}${keepNext}`}>{mode === "register" ? "Sign in" : "Create an account"}</Link>
        </p>
      </div>
    </div>
  );
}
