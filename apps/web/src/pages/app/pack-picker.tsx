// The pack and version choice of both app forms (the dedicated one and the generic one): an edit keeps its app's
// pack version, a new app picks a pack, then one of its versions (newest first).
import { SelectField } from "../../components/select-field.js";
import { compareVersions, splitPackRef, type Pack } from "../../lib/app-state.js";

/** Every version of `pack`'s pack among `packs`, newest first (at least `pack` itself). */
export function packVersions(packs: readonly Pack[], pack: Pack): Pack[] {
  const { name } = splitPackRef(pack.ref);
  const versions = packs
    .filter((candidate) => candidate.name === name)
    .sort((a, b) => compareVersions(b.version, a.version));
  return versions.length > 0 ? versions : [pack];
}

export function PackPicker({
  editing,
  packs,
  pack,
  onChange,
}: {
  /** The pack version of the app being edited; undefined for a new app. */
  editing: string | undefined;
  packs: readonly Pack[];
  pack: Pack;
  onChange: (ref: string) => void;
}) {
  if (editing !== undefined) {
    return (
      <p className="hint">
        Pack <code>{editing}</code>: an app stays on its pack version; a newer one is offered on the Settings
        tab.
      </p>
    );
  }
  const names = [...new Set(packs.map((candidate) => candidate.name))];
  return (
    <div className="form-grid">
      <SelectField
        label="Pack"
        value={splitPackRef(pack.ref).name}
        hint={pack.description}
        options={names.map((name) => ({ value: name, label: name }))}
        onChange={(event) => {
          const newest = packs.find((candidate) => candidate.name === event.target.value);
          if (newest !== undefined) onChange(packVersions(packs, newest)[0]!.ref);
        }}
      />
      <SelectField
        label="Version"
        value={pack.ref}
        hint="An app stays on this version until you upgrade it."
        options={packVersions(packs, pack).map((version) => ({
          value: version.ref,
          label: `${version.version}${version.default ? " (server default)" : ""}`,
        }))}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </div>
  );
}
