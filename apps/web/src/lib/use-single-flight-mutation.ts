// useMutation for buttons and forms that must not send twice: a double click, or Enter pressed twice, lands before
// TanStack Query reports the first call as pending (it notifies on a later tick), and made two API tokens.
import {
  useMutation,
  type DefaultError,
  type MutateOptions,
  type UseMutationOptions,
  type UseMutationResult,
} from "@tanstack/react-query";
import { useRef, useState } from "react";

/**
 * `useMutation` whose `mutate` ignores calls while one is running, and whose `isPending` is true from the click on
 * (the state is set inside the click's own event, so React disables the button before the next click).
 */
export function useSingleFlightMutation<
  TData = unknown,
  TError = DefaultError,
  TVariables = void,
  TContext = unknown,
>(
  options: UseMutationOptions<TData, TError, TVariables, TContext>,
): UseMutationResult<TData, TError, TVariables, TContext> {
  const mutation = useMutation(options);
  const running = useRef(false);
  const [sent, setSent] = useState(false);
  const mutate = ((variables: TVariables, callbacks?: MutateOptions<TData, TError, TVariables, TContext>) => {
    if (running.current) return;
    running.current = true;
    setSent(true);
    mutation.mutate(variables, {
      ...callbacks,
      onSettled: (...settled) => {
        running.current = false;
        setSent(false);
        callbacks?.onSettled?.(...settled);
      },
    });
  }) as UseMutationResult<TData, TError, TVariables, TContext>["mutate"];
  if (!sent || mutation.isPending) return { ...mutation, mutate };
  // Between the click and TanStack's own notice: pending, with the variables just sent not known yet.
  const pending = {
    isPending: true,
    isIdle: false,
    isSuccess: false,
    isError: false,
    status: "pending",
  } as const;
  return { ...mutation, ...pending, mutate } as unknown as UseMutationResult<
    TData,
    TError,
    TVariables,
    TContext
  >;
}
