import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type SubmitEvent } from "react";
import { Link, useNavigate } from "react-router";
import type { RouterOutputs } from "@babyhelm/api";
import { ConfirmButton } from "../components/confirm-button.js";
import { CopyButton } from "../components/copy-button.js";
import { EmptyState } from "../components/empty-state.js";
import { Field, FormError } from "../components/field.js";
import { LoadMore } from "../components/load-more.js";
import { PageTitle } from "../components/page-title.js";
import { Loading, QueryError } from "../components/query-state.js";
import { PendingButton } from "../components/submit-button.js";
import { useToast } from "../components/toast.js";
import { describeError, formErrors } from "../lib/errors.js";
import { describeUserAgent, formatDate, formatDateTime, formatRelative } from "../lib/format.js";
import { resetSession, useMe } from "../lib/session.js";
import { useFocusFirstInvalid } from "../lib/use-focus-invalid.js";
import { useSingleFlightMutation } from "../lib/use-single-flight-mutation.js";
import { useTRPC } from "../trpc.js";

type Session = RouterOutputs["auth"]["sessions"]["list"]["items"][number];
type ApiToken = RouterOutputs["auth"]["tokens"]["list"]["items"][number];

const PAGE_SIZE = 20;
export type CreatedToken = RouterOutputs["auth"]["tokens"]["create"];

export default function AccountPage() {
  const me = useMe();
  return (
    <div className="page">
      <PageTitle>Account</PageTitle>
      <header className="page-header">
        <h1>Account</h1>
        <p className="lead">
          Signed in as <strong>{me.data?.email}</strong>.
        </p>
      </header>
      <SessionsSection />
      <ApiTokensSection />
    </div>
  );
}

/** After this browser's own session ended: forget everything and go to the sign-in page. */
function useSignedOutHere() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  return (message: string) => {
    resetSession(queryClient, trpc.auth.me.queryKey(), null, "signed-out");
    void navigate("/login", { state: { signedOut: true } });
    toast.success(message);
  };
}

function SessionsSection() {
  const trpc = useTRPC();
  const toast = useToast();
  const signedOutHere = useSignedOutHere();
  const sessions = useInfiniteQuery(
    trpc.auth.sessions.list.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const logoutAll = useSingleFlightMutation(
    trpc.auth.logoutAll.mutationOptions({
      onSuccess: (result) => {
        signedOutHere(`Signed out of ${result.signedOut} session(s), including this one.`);
      },
      onError: (error) => {
        toast.error(describeError(error));
      },
    }),
  );
  return (
    <section className="card" aria-labelledby="sessions-title">
      <div className="section-header">
        <h2 id="sessions-title">Where you are signed in</h2>
        <ConfirmButton
          label="Sign out everywhere"
          question="Sign out on every device, this one included?"
          confirmLabel="Sign out everywhere"
          pendingLabel="Signing out…"
          pending={logoutAll.isPending}
          onConfirm={() => {
            logoutAll.mutate();
          }}
        />
      </div>
      <p className="muted">
        Each browser you sign in with has a session. Revoke one you do not recognise, or that is on a device
        you no longer use.
      </p>
      {sessions.isPending ? (
        <Loading what="your sessions" />
      ) : sessions.isError ? (
        <QueryError error={sessions.error} retry={sessions.refetch} what="your sessions" />
      ) : (
        <>
          <ul className="item-list" aria-label="Sessions">
            {sessions.data.pages
              .flatMap((page) => page.items)
              .map((session) => (
                <SessionRow key={session.id} session={session} />
              ))}
          </ul>
          <LoadMore
            hasNextPage={sessions.hasNextPage}
            isFetchingNextPage={sessions.isFetchingNextPage}
            fetchNextPage={sessions.fetchNextPage}
            what="sessions"
          />
        </>
      )}
    </section>
  );
}

function SessionRow({ session }: { session: Session }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const signedOutHere = useSignedOutHere();
  const revoke = useSingleFlightMutation(
    trpc.auth.sessions.revoke.mutationOptions({
      onSuccess: async () => {
        if (session.current) {
          signedOutHere("This session was revoked: you are signed out.");
          return;
        }
        toast.success(`The session of ${describeUserAgent(session.userAgent)} was revoked.`);
        await queryClient.invalidateQueries(trpc.auth.sessions.list.pathFilter());
      },
      onError: (error) => {
        toast.error(describeError(error));
      },
    }),
  );
  const device = describeUserAgent(session.userAgent);
  return (
    <li className="item-row">
      <div className="item-main">
        <span className="item-title">
          {device} {session.current ? <span className="badge badge-you">this device</span> : null}
        </span>
        <span className="muted">
          Signed in {formatDate(session.createdAt)} · last active{" "}
          <time dateTime={session.lastSeenAt} title={formatDateTime(session.lastSeenAt)}>
            {formatRelative(session.lastSeenAt)}
          </time>{" "}
          · expires {formatDate(session.expiresAt)}
        </span>
      </div>
      <ConfirmButton
        label="Revoke"
        ariaLabel={`Revoke the session of ${device}${session.current ? " (this device)" : ""}`}
        question={
          session.current
            ? "Revoke this session? You will be signed out here."
            : `Revoke the session of ${device}?`
        }
        confirmLabel="Revoke"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        onConfirm={() => {
          revoke.mutate({ id: session.id });
        }}
      />
    </li>
  );
}

const EXPIRY_CHOICES = [
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
  { label: "Never", days: undefined },
] as const;

export function ApiTokensSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const expiryId = useId();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState("90 days");
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const tokens = useInfiniteQuery(
    trpc.auth.tokens.list.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const tokenItems = tokens.data?.pages.flatMap((page) => page.items) ?? [];
  const create = useSingleFlightMutation(
    trpc.auth.tokens.create.mutationOptions({
      onSuccess: async () => {
        // The panel that shows the token is the success message, and takes the focus (a toast would cover it).
        setName("");
        await queryClient.invalidateQueries(trpc.auth.tokens.list.pathFilter());
      },
      onError: focusFirstInvalid,
    }),
  );
  const { byField, general } = formErrors(create.error, ["name", "expiresInDays"] as const);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const days = EXPIRY_CHOICES.find((choice) => choice.label === expiry)?.days;
    create.mutate({ name, ...(days === undefined ? {} : { expiresInDays: days }) });
  }

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="muted">
        A token lets a script or a CI job call BabyHelm as you: give it to the typed client, or send it in the
        header <code className="nowrap">Authorization: Bearer &lt;token&gt;</code>.{" "}
        <Link to="/docs#sdk">How to use one</Link>
      </p>

      {create.data === undefined ? null : (
        <NewTokenPanel
          token={create.data}
          onDone={() => {
            create.reset();
          }}
        />
      )}

      <form
        ref={formRef}
        className="token-form"
        onSubmit={submit}
        noValidate
        aria-label="Create an API token"
      >
        <FormError message={general} />
        <div className="form-row">
          <Field
            label="Token name"
            name="name"
            autoComplete="off"
            placeholder="deploy from CI"
            hint="Say where it will be used, so you know which one to revoke later."
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
            error={byField.name}
            className="grow"
          />
          <div className="field">
            <label htmlFor={expiryId}>Expires after</label>
            <p className="hint">Shorter is safer.</p>
            <select
              id={expiryId}
              value={expiry}
              onChange={(event) => {
                setExpiry(event.target.value);
              }}
            >
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice.label} value={choice.label}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="form-actions">
          <PendingButton pending={create.isPending} pendingLabel="Creating…">
            Create token
          </PendingButton>
        </div>
      </form>

      {tokens.isPending ? (
        <Loading what="your API tokens" />
      ) : tokens.isError ? (
        <QueryError error={tokens.error} retry={tokens.refetch} what="your API tokens" />
      ) : tokenItems.length === 0 ? (
        <EmptyState title="No API tokens">
          <p>You have not created any. You only need one to script BabyHelm or deploy from CI.</p>
        </EmptyState>
      ) : (
        <>
          <ul className="item-list" aria-label="API tokens">
            {tokenItems.map((token) => (
              <TokenRow key={token.id} token={token} />
            ))}
          </ul>
          <LoadMore
            hasNextPage={tokens.hasNextPage}
            isFetchingNextPage={tokens.isFetchingNextPage}
            fetchNextPage={tokens.fetchNextPage}
            what="tokens"
          />
        </>
      )}
    </section>
  );
}

/** The only time the secret is visible: the server keeps just a hash of it. */
export function NewTokenPanel({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const inputId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    panel.current?.focus();
  }, []);
  return (
    <div className="token-once" role="region" aria-labelledby={`${inputId}-title`} tabIndex={-1} ref={panel}>
      <h3 id={`${inputId}-title`}>Your new token &ldquo;{token.name}&rdquo;</h3>
      <p className="warning">
        <strong>Copy it now: it won&rsquo;t be shown again.</strong> BabyHelm keeps only a fingerprint of it.
        If you lose it, revoke it and create another.
      </p>
      <label htmlFor={inputId} className="visually-hidden">
        API token
      </label>
      <div className="token-value">
        <textarea
          id={inputId}
          readOnly
          rows={2}
          value={token.token}
          onFocus={(event) => {
            event.target.select();
          }}
          spellCheck={false}
        />
        <CopyButton text={token.token} label="Copy token" />
      </div>
      <p className="muted">
        {token.expiresAt === null ? "It never expires." : `It expires on ${formatDateTime(token.expiresAt)}.`}{" "}
        Store it as a secret, for example <code>BABYHELM_TOKEN</code>.
      </p>
      <button type="button" className="button button-secondary" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}

function TokenRow({ token }: { token: ApiToken }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const revoke = useSingleFlightMutation(
    trpc.auth.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success(`API token "${token.name}" was revoked: scripts using it are refused from now on.`);
        await queryClient.invalidateQueries(trpc.auth.tokens.list.pathFilter());
      },
      onError: (error) => {
        toast.error(describeError(error));
      },
    }),
  );
  const [shownAt] = useState(Date.now);
  const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() < shownAt;
  return (
    <li className="item-row">
      <div className="item-main">
        <span className="item-title">
          {token.name} <code className="muted">{token.prefix}…</code>
          {expired ? <span className="badge badge-expired">expired</span> : null}
        </span>
        <span className="muted">
          Created {formatDate(token.createdAt)} ·{" "}
          {token.lastUsedAt === null ? "never used" : `last used ${formatRelative(token.lastUsedAt)}`} ·{" "}
          {token.expiresAt === null
            ? "never expires"
            : `${expired ? "expired" : "expires"} ${formatDate(token.expiresAt)}`}
        </span>
      </div>
      <ConfirmButton
        label="Revoke"
        ariaLabel={`Revoke the token ${token.name}`}
        question={`Revoke "${token.name}"? Scripts using it stop working.`}
        confirmLabel="Revoke"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        onConfirm={() => {
          revoke.mutate({ id: token.id });
        }}
      />
    </li>
  );
}
