export type {
  KubernetesObject,
  ObjectMeta,
  DescribedRole,
  PackDefinition,
  PackDescribes,
  PackTarget,
  PackTargetDefinition,
  TemplateContext,
} from "./types.js";
export {
  type InputIssue,
  ManifestInputError,
  PackDefinitionError,
  PackError,
  PackNotFoundError,
  formatIssue,
} from "./errors.js";
export { definePack, ROLE_KEYWORD, type Pack } from "./pack.js";
export { loadTemplates } from "./templates.js";
export { loadPacks, PackLoadError, type LoadPacksOptions } from "./pack-loader.js";
export {
  DEFAULT_PACK_REF,
  createRenderer,
  isPack,
  type PackSummary,
  type RenderOptions,
  type Renderer,
  type RendererOptions,
} from "./renderer.js";
export { parseManifests, toYaml } from "./yaml.js";
export { appDocumentToYaml, parseAppDocument, sameAppSpec, type AppDocument } from "./app-document.js";
export {
  formatLabelSelector,
  parseLabelSelector,
  splitSelectorTerms,
  LabelSelectorError,
  type LabelMatcher,
  type LabelSelector,
} from "./label-selector.js";
export { diffManifests, formatDiff, type FieldChange, type ObjectChange } from "./diff.js";
export {
  quantityValue,
  validateManifests,
  validateObject,
  type IssueRule,
  type ManifestIssue,
  type ValidateManifestsOptions,
  type ValidateOptions,
} from "./validate/index.js";
