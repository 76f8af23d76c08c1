// Who may do what in a project: the list, adding people (or inviting them), roles, leaving and removing.
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type SubmitEvent } from "react";
import { useNavigate } from "react-router";
import type { RouterOutputs } from "@babyhelm/api";
import { ConfirmButton, useExclusiveConfirmation } from "../../components/confirm-button.js";
import { CopyButton } from "../../components/copy-button.js";
import { Field, FormError } from "../../components/field.js";
import { LoadMore } from "../../components/load-more.js";
import { Loading, QueryError } from "../../components/query-state.js";
import { RoleBadge } from "../../components/role-badge.js";
import { PendingButton } from "../../components/submit-button.js";
import { useToast } from "../../components/toast.js";
import { describeError, formErrors } from "../../lib/errors.js";
import { formatDate, formatDateTime } from "../../lib/format.js";
import { articleFor, PROJECT_ROLES, ROLE_ABILITIES, withArticle, type ProjectRole } from "../../lib/roles.js";
import { useFocusFirstInvalid } from "../../lib/use-focus-invalid.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";
import { useProject, type Project } from "./project-layout.js";

type Member = RouterOutputs["members"]["list"]["items"][number];
type Added = RouterOutputs["members"]["add"];
type Invitation = RouterOutputs["members"]["invitations"][number];

const MEMBERS_PAGE_SIZE = 20;

/** After any change to who is in a project: the list, the project's header (your role), your projects. */
function useRefreshMembership() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.members.list.pathFilter()),
      queryClient.invalidateQueries(trpc.members.invitations.pathFilter()),
      queryClient.invalidateQueries(trpc.projects.get.pathFilter()),
      queryClient.invalidateQueries(trpc.projects.list.pathFilter()),
      queryClient.invalidateQueries(trpc.audit.list.pathFilter()),
    ]);
}

export default function CollaboratorsTab() {
  const project = useProject();
  const trpc = useTRPC();
  const members = useInfiniteQuery(
    trpc.members.list.infiniteQueryOptions(
      { project: project.name, limit: MEMBERS_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = members.data?.pages.flatMap((page) => page.items) ?? [];
  const isCreator = project.role === "creator";

  return (
    <section aria-labelledby="collaborators-title">
      <div className="section-header">
        <h2 id="collaborators-title">Collaborators</h2>
      </div>
      <p className="muted">
        {isCreator
          ? "Add people by the email they registered with, and choose what they may do."
          : "Only creators of the project add people or change roles. You can leave the project at any time."}
      </p>
      {isCreator ? <AddCollaboratorForm project={project} /> : null}
      {isCreator ? <PendingInvitations project={project} /> : null}
      {members.isPending ? (
        <Loading what="collaborators" />
      ) : members.isError ? (
        <QueryError error={members.error} retry={members.refetch} what="collaborators" />
      ) : (
        <>
          <ul className="member-list" aria-label={`Members of ${project.name}`}>
            {items.map((member) => (
              <MemberRow key={member.email} member={member} project={project} />
            ))}
          </ul>
          {items.length === 1 && isCreator ? (
            <p className="muted">Only you so far. Add a teammate above to share this project.</p>
          ) : null}
          <LoadMore
            hasNextPage={members.hasNextPage}
            isFetchingNextPage={members.isFetchingNextPage}
            fetchNextPage={members.fetchNextPage}
            what="collaborators"
          />
        </>
      )}
    </section>
  );
}

function AddCollaboratorForm({ project }: { project: Project }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshMembership();
  const roleId = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("viewer");
  const [invited, setInvited] = useState<Added | undefined>(undefined);
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const add = useSingleFlightMutation(
    trpc.members.add.mutationOptions({
      onSuccess: async (added) => {
        if (added.invitation === null) {
          toast.success(`${added.email} was added to ${project.name} as ${withArticle(added.role)}.`);
          setInvited(undefined);
        } else {
          toast.success(`${added.email} has no account yet: send them the invitation link.`);
          setInvited(added);
        }
        setEmail("");
        await refresh();
      },
      onError: focusFirstInvalid,
    }),
  );
  const { byField, general } = formErrors(add.error, ["email", "role"] as const);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setInvited(undefined);
    add.mutate({ project: project.name, email, role });
  }

  return (
    <>
      <form
        ref={formRef}
        className="card form-card add-member"
        onSubmit={submit}
        noValidate
        aria-label="Add a collaborator"
      >
        <FormError message={general} />
        <div className="form-row">
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            required
            placeholder="teammate@example.com"
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
            }}
            error={byField.email}
            className="grow"
          />
          <div className="field">
            <label htmlFor={roleId}>Role</label>
            <select
              id={roleId}
              value={role}
              onChange={(event) => {
                setRole(event.target.value as ProjectRole);
              }}
            >
              {PROJECT_ROLES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="hint">
          {articleFor(role) === "an" ? "An" : "A"} <strong>{role}</strong> may {ROLE_ABILITIES[role]}. They
          need a BabyHelm account with this email; where this server registers people by invitation only, you
          get a link to send them instead.
        </p>
        <div className="form-actions">
          <PendingButton pending={add.isPending} pendingLabel="Adding…">
            Add collaborator
          </PendingButton>
        </div>
      </form>
      {invited?.invitation ? (
        <InvitationLink
          email={invited.email}
          role={invited.role}
          project={project.name}
          {...invited.invitation}
          onDone={() => {
            setInvited(undefined);
          }}
        />
      ) : null}
    </>
  );
}

/**
 * The link for someone who has no account yet, shown once to the creator who asked: only its hash is stored, so a
 * lost link means adding the email again (which makes a new one).
 */
function InvitationLink({
  email,
  role,
  project,
  link,
  expiresAt,
  onDone,
}: {
  email: string;
  role: ProjectRole;
  project: string;
  link: string;
  expiresAt: string;
  onDone: () => void;
}) {
  const inputId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    panel.current?.focus();
  }, []);
  return (
    <div
      className="invitation-sent"
      role="region"
      aria-labelledby={`${inputId}-title`}
      tabIndex={-1}
      ref={panel}
    >
      <h3 id={`${inputId}-title`}>Invitation for {email}</h3>
      <p>
        Nobody has registered with {email} yet. Send them this link: it lets them create an account with this
        email and join {project} as {articleFor(role)} <strong>{role}</strong>. It works once, until{" "}
        {formatDateTime(expiresAt)}.
      </p>
      <p className="warning">
        <strong>Copy it now: it won&rsquo;t be shown again.</strong> If it is lost, add the email again for a
        new link.
      </p>
      <label htmlFor={inputId} className="visually-hidden">
        Invitation link for {email}
      </label>
      <div className="link-value">
        <input
          id={inputId}
          readOnly
          value={link}
          onFocus={(event) => {
            event.target.select();
          }}
          spellCheck={false}
        />
        <CopyButton text={link} label="Copy link" />
      </div>
      <button type="button" className="button button-secondary" onClick={onDone}>
        I have sent it
      </button>
    </div>
  );
}

/** Invitations not yet used: shown only where there are some (never on a server with open registration). */
function PendingInvitations({ project }: { project: Project }) {
  const trpc = useTRPC();
  const invitations = useQuery(trpc.members.invitations.queryOptions({ project: project.name }));
  if (invitations.isPending) return null;
  if (invitations.isError) {
    return <QueryError error={invitations.error} retry={invitations.refetch} what="pending invitations" />;
  }
  if (invitations.data.length === 0) return null;
  return (
    <section aria-labelledby="invitations-title" className="pending-invitations">
      <h3 id="invitations-title">Pending invitations</h3>
      <ul className="member-list" aria-label={`Pending invitations to ${project.name}`}>
        {invitations.data.map((invitation) => (
          <InvitationRow key={invitation.email} invitation={invitation} project={project} />
        ))}
      </ul>
    </section>
  );
}

function InvitationRow({ invitation, project }: { invitation: Invitation; project: Project }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshMembership();
  const revoke = useSingleFlightMutation(
    trpc.members.revokeInvitation.mutationOptions({
      onSuccess: async () => {
        toast.success(`The invitation of ${invitation.email} was revoked: its link no longer works.`);
        await refresh();
      },
      onError: (error) => {
        toast.error(describeError(error));
      },
    }),
  );
  return (
    <li className="member-row">
      <div className="member-who">
        <span className="member-email">{invitation.email}</span>
        <span className="muted member-since">
          invited {formatDate(invitation.createdAt)} · link expires {formatDateTime(invitation.expiresAt)}
        </span>
      </div>
      <div className="member-role">
        <RoleBadge role={invitation.role} />
      </div>
      <div className="member-actions">
        <ConfirmButton
          label="Revoke"
          ariaLabel={`Revoke the invitation of ${invitation.email}`}
          question={`Revoke the invitation of ${invitation.email}? Its link stops working.`}
          confirmLabel="Revoke"
          pendingLabel="Revoking…"
          pending={revoke.isPending}
          onConfirm={() => {
            revoke.mutate({ project: project.name, email: invitation.email });
          }}
        />
      </div>
    </li>
  );
}

/**
 * One member: creators change roles through the select, each change asked once in place (one route to making
 * someone a creator); the only creator cannot become editor or viewer, nor leave, and is told why beforehand.
 */
function MemberRow({ member, project }: { member: Member; project: Project }) {
  const trpc = useTRPC();
  const toast = useToast();
  const navigate = useNavigate();
  const refresh = useRefreshMembership();
  const roleId = useId();
  const reasonId = useId();
  const isCreator = project.role === "creator";
  /** The role picked in the select, waiting for its confirmation. */
  const [choice, setChoice] = useState<ProjectRole | undefined>(undefined);
  const [asking, setAsking] = useExclusiveConfirmation();
  const onError = (error: unknown) => {
    toast.error(describeError(error));
  };

  const updateRole = useSingleFlightMutation(
    trpc.members.updateRole.mutationOptions({
      onSuccess: async (updated) => {
        toast.success(`${updated.email} is now ${withArticle(updated.role)} of ${project.name}.`);
        await refresh();
      },
      onError,
    }),
  );
  const remove = useSingleFlightMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: async () => {
        if (member.you) {
          toast.success(`You left ${project.name}.`);
          void navigate("/projects");
        } else {
          toast.success(`${member.email} was removed from ${project.name}.`);
        }
        await refresh();
      },
      onError,
    }),
  );

  const shownRole = (asking || updateRole.isPending ? choice : undefined) ?? member.role;
  const who = member.you ? "You are" : `${member.email} is`;
  const onlyCreatorReason = member.onlyCreator
    ? `${who} the only creator of ${project.name}: make someone else a creator first, then ${member.you ? "you can change your role or leave" : "their role can change"}.`
    : undefined;

  return (
    <li className="member-row">
      <div className="member-who">
        <span className="member-email">{member.email}</span>
        {member.you ? <span className="badge badge-you">you</span> : null}
        <span className="muted member-since">since {formatDate(member.since)}</span>
        {onlyCreatorReason === undefined || !(isCreator || member.you) ? null : (
          <span className="hint member-reason" id={reasonId}>
            {onlyCreatorReason}
          </span>
        )}
      </div>
      <div className="member-role">
        {isCreator ? (
          <>
            <label htmlFor={roleId} className="visually-hidden">
              Role of {member.email}
            </label>
            <select
              id={roleId}
              value={shownRole}
              disabled={updateRole.isPending}
              aria-describedby={onlyCreatorReason === undefined ? undefined : reasonId}
              onChange={(event) => {
                const picked = event.target.value as ProjectRole;
                if (picked === member.role) {
                  setAsking(false);
                  return;
                }
                setChoice(picked);
                setAsking(true);
              }}
            >
              {PROJECT_ROLES.map((option) => (
                <option key={option} value={option} disabled={member.onlyCreator && option !== "creator"}>
                  {member.onlyCreator && option !== "creator" ? `${option} (needs another creator)` : option}
                </option>
              ))}
            </select>
            {updateRole.isPending ? <span className="muted">Saving…</span> : null}
          </>
        ) : (
          <RoleBadge role={member.role} />
        )}
      </div>
      <div className="member-actions">
        {asking && choice !== undefined ? (
          <RoleQuestion
            member={member}
            project={project.name}
            role={choice}
            onConfirm={() => {
              updateRole.mutate({ project: project.name, email: member.email, role: choice });
              setAsking(false);
            }}
            onCancel={() => {
              setAsking(false);
              setChoice(undefined);
            }}
          />
        ) : member.you ? (
          member.onlyCreator ? (
            <button
              type="button"
              className="button button-small button-quiet-danger"
              disabled
              aria-describedby={reasonId}
            >
              Leave project
            </button>
          ) : (
            <ConfirmButton
              label="Leave project"
              question={`Leave ${project.name}? You will lose access to it.`}
              confirmLabel="Leave"
              pendingLabel="Leaving…"
              pending={remove.isPending}
              onConfirm={() => {
                remove.mutate({ project: project.name, email: member.email });
              }}
            />
          )
        ) : isCreator ? (
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove ${member.email}`}
            question={`Remove ${member.email} from ${project.name}?`}
            confirmLabel="Remove"
            pendingLabel="Removing…"
            pending={remove.isPending}
            onConfirm={() => {
              remove.mutate({ project: project.name, email: member.email });
            }}
          />
        ) : null}
      </div>
    </li>
  );
}

/** The question a role change asks before it is made: who becomes what, and what that role may do. */
function RoleQuestion({
  member,
  project,
  role,
  onConfirm,
  onCancel,
}: {
  member: Member;
  project: string;
  role: ProjectRole;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const article = articleFor(role);
  const question = `${member.you ? "Make yourself" : `Make ${member.email}`} ${article} ${role} of ${project}? ${article === "an" ? "An" : "A"} ${role} may ${ROLE_ABILITIES[role]}.${
    member.you && role !== "creator" ? " You will no longer manage collaborators." : ""
  }`;
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="button button-small button-secondary"
        onClick={onConfirm}
        // The question appeared beside the select the person just changed: its answer takes the focus.
        autoFocus
      >
        Change role
      </button>
      <button type="button" className="button button-small button-quiet" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
