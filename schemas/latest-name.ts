/** A name and the time of the commit that carried it (`-Infinity`: none did yet). */
export interface Named {
  namedAt: number;
  name: string | undefined;
}

/**
 * The display-name rule of the dashboard, applied alike by the projector's `dashboard_day`
 * rollups (within a day) and the gateway (across days): the name of the latest commit that
 * carried one wins; equal times keep the greater name, so the order rows come in does not
 * matter.
 */
export function keepLatestName(acc: Named, t: number, name: string | undefined): void {
  if (typeof name !== 'string' || name === '') return;
  if (t > acc.namedAt || (t === acc.namedAt && acc.name !== undefined && name > acc.name)) {
    acc.namedAt = t;
    acc.name = name;
  }
}
