// Where a project's alerts go: creators choose a Slack-compatible webhook or a Telegram chat (or nothing) and can
// send a test; editors see the current target, masked, but cannot change it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { Field, FormError } from "../../components/field.js";
import { Loading, QueryError } from "../../components/query-state.js";
import { SelectField } from "../../components/select-field.js";
import { PendingButton } from "../../components/submit-button.js";
import { useToast } from "../../components/toast.js";
import { describeError, errorCode, formErrors } from "../../lib/errors.js";
import { formatDateTime } from "../../lib/format.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";

type TargetType = "none" | "slack" | "telegram";

const TYPE_OPTIONS = [
  { value: "none", label: "None (no alerts)" },
  { value: "slack", label: "Slack-compatible webhook" },
  { value: "telegram", label: "Telegram" },
] as const;

const FIELDS = ["target.url", "target.botToken", "target.chatId"] as const;

export function AlertSettings({ project, canEdit }: { project: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const current = useQuery(trpc.alerts.get.queryOptions({ project }));

  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <p>
        BabyHelm sends an alert when an app of <strong>{project}</strong> becomes failed or degraded, and
        again when it recovers: once per change, not repeatedly.
      </p>
      {current.isPending ? (
        <Loading what="the alert settings" />
      ) : current.isError ? (
        <QueryError error={current.error} retry={current.refetch} what="the alert settings" />
      ) : (
        <>
          <dl className="definitions">
            <div>
              <dt>Alerts go to</dt>
              <dd>
                {current.data.target === null ? (
                  "Nowhere: no target is set."
                ) : current.data.target.type === "slack" ? (
                  <>
                    The webhook at <code>{current.data.target.url}</code>
                  </>
                ) : (
                  <>
                    Telegram chat <code>{current.data.target.chatId}</code> through the bot whose token ends{" "}
                    <code>{current.data.target.botToken}</code>
                  </>
                )}
              </dd>
            </div>
            {current.data.updatedAt === null ? null : (
              <div>
                <dt>Last changed</dt>
                <dd>
                  {formatDateTime(current.data.updatedAt)}
                  {current.data.updatedBy === null ? null : ` by ${current.data.updatedBy}`}
                </dd>
              </div>
            )}
          </dl>
          {canEdit ? (
            <AlertForm project={project} currentType={current.data.target?.type ?? "none"} />
          ) : (
            <p className="muted">Only creators of {project} can change where alerts go.</p>
          )}
        </>
      )}
    </section>
  );
}

function AlertForm({ project, currentType }: { project: string; currentType: TargetType }) {
  const hasTarget = currentType !== "none";
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [type, setType] = useState<TargetType>(currentType);
  const [url, setUrl] = useState("");
  const [botToken, setBotToken] = useState("");
  const [chatId, setChatId] = useState("");
  const save = useSingleFlightMutation(
    trpc.alerts.set.mutationOptions({
      onSuccess: async (result) => {
        toast.success(
          result.target === null
            ? result.removed
              ? `Alerts of ${project} are turned off.`
              : `Alerts of ${project} were already off.`
            : `Alerts of ${project} will go to ${result.target.type === "slack" ? `the webhook at ${result.target.host}` : `Telegram chat ${result.target.chatId}`}.`,
        );
        setUrl("");
        setBotToken("");
        await queryClient.invalidateQueries(trpc.alerts.get.queryFilter({ project }));
      },
    }),
  );
  const test = useSingleFlightMutation(trpc.alerts.test.mutationOptions());

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    test.reset();
    save.mutate({
      project,
      target:
        type === "none"
          ? null
          : type === "slack"
            ? { type: "slack", url: url.trim() }
            : { type: "telegram", botToken: botToken.trim(), chatId: chatId.trim() },
    });
  }

  const errors = formErrors(save.error, FIELDS);
  return (
    <>
      <form onSubmit={submit} noValidate className="alert-form">
        <FormError message={errors.general} />
        <SelectField
          label="Send alerts to"
          name="type"
          value={type}
          options={TYPE_OPTIONS}
          onChange={(event) => {
            setType(event.target.value as TargetType);
          }}
        />
        {type === "slack" ? (
          <Field
            label="Webhook URL"
            name="url"
            type="url"
            autoComplete="off"
            spellCheck={false}
            hint="A Slack incoming webhook, or any service that accepts Slack's format (Mattermost, Discord's /slack endpoint…), at a public https:// address. Kept secret: stored encrypted, and only its host is shown afterwards."
            value={url}
            error={errors.byField["target.url"]}
            onChange={(event) => {
              setUrl(event.target.value);
            }}
          />
        ) : null}
        {type === "telegram" ? (
          <>
            <Field
              label="Bot token"
              name="botToken"
              autoComplete="off"
              spellCheck={false}
              hint="As BotFather gives it, such as 123456789:AAH…. Kept secret: only its last 4 characters are shown afterwards."
              value={botToken}
              error={errors.byField["target.botToken"]}
              onChange={(event) => {
                setBotToken(event.target.value);
              }}
            />
            <Field
              label="Chat id"
              name="chatId"
              autoComplete="off"
              spellCheck={false}
              hint="A numeric chat id (such as -1001234567890) or a public @channelname; add the bot to the chat first."
              value={chatId}
              error={errors.byField["target.chatId"]}
              onChange={(event) => {
                setChatId(event.target.value);
              }}
            />
          </>
        ) : null}
        <div className="form-actions">
          <PendingButton pending={save.isPending} pendingLabel="Saving…">
            Save
          </PendingButton>
          <PendingButton
            type="button"
            variant="secondary"
            pending={test.isPending}
            pendingLabel="Sending…"
            disabled={!hasTarget || save.isPending}
            title={hasTarget ? undefined : "Save a target first"}
            onClick={() => {
              test.mutate({ project });
            }}
          >
            Send a test alert
          </PendingButton>
        </div>
      </form>
      {test.isSuccess ? (
        <p className="notice" role="status">
          The test alert was sent. If it does not arrive, check the target above.
        </p>
      ) : test.isError ? (
        <FormError message={describeTestFailure(test.error)} />
      ) : null}
    </>
  );
}

/**
 * A test alert that was not delivered (BAD_GATEWAY) is the receiver's trouble, which the server's message names (DNS,
 * TLS, the answer's HTTP status, and where): not the cluster's, which describeError suggests for other 502s.
 */
function describeTestFailure(error: unknown): string {
  return errorCode(error) === "BAD_GATEWAY" && error instanceof Error ? error.message : describeError(error);
}
