// Field builders default@2's schemas share: integers and port references whose errors name the field.
import { z } from "zod";
import { fieldError } from "../shared/field-error.js";
import { unionField } from "../shared/union-field.js";

export function integer(field: string, min: number, max: number) {
  const expectation = `an integer from ${min} to ${max}`;
  return z
    .int({ error: fieldError(field, expectation) })
    .min(min, { error: `${field} must be ${expectation}` })
    .max(max, { error: `${field} must be ${expectation}` });
}

/** IANA service name, the Kubernetes rule for port names: probes and the Ingress may refer to ports by it. */
const PORT_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export function portName(field: string) {
  const expectation =
    "a port name: at most 15 of a-z, 0-9 and '-', with a letter, no '--', not starting or ending with '-'";
  return z
    .string({ error: fieldError(field, expectation) })
    .max(15, { error: `${field} must be at most 15 characters`, abort: true })
    .regex(PORT_NAME, { error: `${field} must be ${expectation}` });
}

/** A reference to one of `ports`: its name, or a container port number. */
export function portReference(field: string) {
  return unionField(field, "a port number (1-65535) or the name of one of ports[]", [
    integer(field, 1, 65535),
    portName(field),
  ]);
}
