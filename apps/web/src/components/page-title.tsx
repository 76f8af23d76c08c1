/** The browser tab's title (React puts it in <head>): screen readers announce it on every page change. */
export function PageTitle({ children }: { children: string }) {
  return <title>{`${children} · BabyHelm`}</title>;
}
