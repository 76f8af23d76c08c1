// Resource quantities on their own (`@babyhelm/manifest-sdk/quantity`), for code such as the dashboard that adds up
// requests without loading the validator and its OpenAPI document.
export { quantityValue } from "./validate/formats.js";
