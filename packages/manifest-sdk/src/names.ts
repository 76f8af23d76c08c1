// Kubernetes' name rules as regular expressions, written once for every BabyHelm package: the SDK's validator, the
// packs' schemas, the API's inputs and the dashboard's forms (`@babyhelm/manifest-sdk/names`, free of dependencies so
// that a browser bundle takes only these lines).

/** RFC 1123 label (namespaces, most object names): lowercase alphanumerics and '-', alphanumeric at both ends. */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: dot-separated RFC 1123 labels (Secret names, annotation key prefixes). */
export const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1035 label (Service names): as an RFC 1123 label, but starting with a letter. */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
